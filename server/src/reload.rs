//! Development mode: reload the course when a file under content/ changes.

use std::path::PathBuf;
use std::time::Duration;

use kubelab_app::model::CourseHandle;
use notify::{RecursiveMode, Watcher};

/// Watches `dir` and swaps a freshly loaded course into `handle` after each burst of changes.
/// A broken edit keeps the last good course and logs what is wrong.
pub fn watch(dir: PathBuf, handle: CourseHandle) -> notify::Result<notify::RecommendedWatcher> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            let _ = tx.send(());
        }
    })?;
    watcher.watch(&dir, RecursiveMode::Recursive)?;
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Editors write several events per save; wait for the burst to end.
            while tokio::time::timeout(Duration::from_millis(150), rx.recv())
                .await
                .is_ok_and(|e| e.is_some())
            {}
            let dir = dir.clone();
            match tokio::task::spawn_blocking(move || kubelab_app::content::load(&dir)).await {
                Ok(Ok(course)) => {
                    tracing::info!(chapters = course.order.len(), "content reloaded");
                    handle.replace(course);
                }
                Ok(Err(errors)) => {
                    tracing::warn!("content has problems; keeping the last good version:\n{errors}")
                }
                Err(e) => tracing::error!("content reload task failed: {e}"),
            }
        }
    });
    Ok(watcher)
}
