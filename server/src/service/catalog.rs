//! The exercise catalog on disk: `content/exercises/*.yaml`, read once and parsed by the check
//! engine. `serve` and every command load it through here.

use std::path::{Path, PathBuf};

use kubelab_checks::Catalog;

/// Errors loading the catalog from disk.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the exercise directory {}: {source}", dir.display())]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Catalog(#[from] kubelab_checks::Error),
}

/// Loads every `<content>/exercises/*.yaml` (sorted by file name). Errors name the file, and
/// parse errors carry `line:column`.
pub fn load_catalog(content: &Path) -> Result<Catalog, LoadError> {
    let dir = content.join("exercises");
    let entries = std::fs::read_dir(&dir).map_err(|source| LoadError::Dir {
        dir: dir.clone(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Dir {
            dir: dir.clone(),
            source,
        })?;
        let path = entry.path();
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yaml" || e == "yml");
        if is_yaml && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut sources = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| LoadError::File {
            path: path.clone(),
            source,
        })?;
        sources.push((path.display().to_string(), text));
    }
    Ok(Catalog::from_sources(sources)?)
}
