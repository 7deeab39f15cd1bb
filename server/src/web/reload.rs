//! Development mode: reload the course when a file under content/ changes, and rebuild its
//! search index.

use std::path::PathBuf;
use std::time::Duration;

use kubelab_app::content::search::SearchHandle;
use kubelab_app::model::CourseHandle;
use notify::{RecursiveMode, Watcher};

/// Watches `dir` and swaps a freshly loaded course into `handle` after each burst of changes.
/// A broken edit keeps the last good course and logs what is wrong. The search index of the new
/// course is built right after the swap (a search in between waits for it, never sees the old one).
pub fn watch(
    dir: PathBuf,
    handle: CourseHandle,
    search: SearchHandle,
) -> notify::Result<notify::RecommendedWatcher> {
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
                    let (course, search) = (handle.current(), search.clone());
                    match tokio::task::spawn_blocking(move || search.index_for(&course)).await {
                        Ok(Ok(index)) => {
                            tracing::info!(sections = index.sections(), "search index rebuilt")
                        }
                        Ok(Err(e)) => tracing::error!("search index not rebuilt: {e}"),
                        Err(e) => tracing::error!("search index task failed: {e}"),
                    }
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use kubelab_app::model::Lang;

    use super::*;

    fn chapter(title: &str) -> String {
        format!("---\nid: a\ntitle: {title}\npart: p\norder: 1\nsummary: s\nminutes: 1\nexercises: []\n---\n## Body\n")
    }

    fn title(handle: &CourseHandle) -> String {
        handle
            .current()
            .lesson(Lang::En, "a")
            .map(|l| l.title.clone())
            .unwrap_or_default()
    }

    /// Polls with a deadline: file events arrive asynchronously.
    async fn until(handle: &CourseHandle, want: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if title(handle) == want {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    #[tokio::test]
    async fn an_edited_chapter_is_served_without_restart_and_survives_a_broken_edit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("content");
        std::fs::create_dir_all(root.join("zh")).expect("mkdir");
        std::fs::create_dir_all(root.join("en")).expect("mkdir");
        std::fs::write(
            root.join("course.yaml"),
            "title: { zh: t, en: t }\nparts:\n  - id: p\n    title: { zh: p, en: p }\n",
        )
        .expect("write");
        std::fs::write(root.join("zh/a.md"), chapter("v1")).expect("write");
        std::fs::write(root.join("en/a.md"), chapter("v1")).expect("write");
        let handle = CourseHandle::new(kubelab_app::content::load(&root).expect("loads"));
        let search = SearchHandle::default();
        let _watcher = watch(root.clone(), handle.clone(), search.clone()).expect("watch");

        std::fs::write(root.join("en/a.md"), chapter("v2")).expect("write");
        assert!(
            until(&handle, "v2").await,
            "edit not picked up: {}",
            title(&handle)
        );

        // Front matter broken mid-edit, then fixed: the watcher survives the bad version.
        std::fs::write(root.join("en/a.md"), "---\nid: a\n").expect("write");

        std::fs::write(root.join("en/a.md"), chapter("v3")).expect("write");
        assert!(
            until(&handle, "v3").await,
            "fixed edit not picked up: {}",
            title(&handle)
        );
        // Search follows the served course: the new title is found, the old one is gone.
        let index = search.index_for(&handle.current()).expect("index");
        let hits = index.search(Lang::En, "v3").expect("search");
        assert_eq!(hits.first().map(|h| h.chapter.as_str()), Some("a"));
        assert!(index.search(Lang::En, "v2").expect("search").is_empty());
    }
}
