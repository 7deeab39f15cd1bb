//! The catalog: every exercise spec parsed from its file, by id.

use std::collections::BTreeMap;

use super::{Exercise, Need};
use crate::yaml::{self, Location};
use crate::Error;

/// All exercises, by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    exercises: BTreeMap<String, Exercise>,
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

/// Parse one spec file. `path` is only used in errors and for the id ↔ file name check.
pub fn parse_exercise(path: &str, text: &str) -> Result<Exercise, Error> {
    let doc = yaml::parse_document(text).map_err(|e| Error::Parse {
        file: path.to_string(),
        line: e.location.line,
        column: e.location.column,
        message: e.message,
    })?;
    let ex: Exercise = serde_path_to_error::deserialize(&doc.value).map_err(|e| {
        let field = e.path().to_string();
        let loc = doc
            .locate(&field)
            .unwrap_or(Location { line: 1, column: 1 });
        Error::Parse {
            file: path.to_string(),
            line: loc.line,
            column: loc.column,
            message: if field == "." {
                e.inner().to_string()
            } else {
                format!("{field}: {}", e.inner())
            },
        }
    })?;
    let stem = file_stem(path);
    if ex.id != stem {
        return Err(Error::IdMismatch {
            file: path.to_string(),
            id: ex.id,
        });
    }
    let problems = ex.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid {
            file: path.to_string(),
            problems: problems.join("; "),
        });
    }
    Ok(ex)
}

impl Catalog {
    /// Build the catalog from `(path, text)` pairs. Pure: the caller reads the files.
    pub fn from_sources<I, P, T>(sources: I) -> Result<Catalog, Error>
    where
        I: IntoIterator<Item = (P, T)>,
        P: AsRef<str>,
        T: AsRef<str>,
    {
        let mut exercises = BTreeMap::new();
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in sources {
            let path = path.as_ref();
            let ex = parse_exercise(path, text.as_ref())?;
            if let Some(first) = files.get(&ex.id) {
                return Err(Error::DuplicateId {
                    id: ex.id,
                    file: path.to_string(),
                    first: first.clone(),
                });
            }
            files.insert(ex.id.clone(), path.to_string());
            exercises.insert(ex.id.clone(), ex);
        }
        Ok(Catalog { exercises })
    }

    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.get(id)
    }

    /// Exercises in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Exercise> {
        self.exercises.values()
    }

    pub fn len(&self) -> usize {
        self.exercises.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exercises.is_empty()
    }

    /// The union of the `needs` of the given exercises (for one shared watch set).
    pub fn needs<'a>(&'a self, ids: impl IntoIterator<Item = &'a str>) -> Vec<Need> {
        let mut out: Vec<Need> = Vec::new();
        for id in ids {
            if let Some(ex) = self.get(id) {
                for n in &ex.needs {
                    if !out.contains(n) {
                        out.push(n.clone());
                    }
                }
            }
        }
        out
    }
}
