//! Loads `content/` into a [`Course`]: front matter, markdown rendering, diagrams, and every
//! cross-check an author needs (both languages present, links resolve, parts exist).
//! Server-only: the browser receives rendered HTML, never this code.

pub mod highlight;
pub mod render;
pub mod search;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use kubelab_checks::yaml::{self, YamlError};
use serde::Deserialize;

use crate::model::{Course, Lang, Lesson, Localized, Part};
use render::{render, Diagrams, Problem, Rendered};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:1: no front matter: a chapter starts with a `---` line, YAML fields (id, title, part, order, summary, minutes, exercises), and another `---` line")]
    NoFrontMatter { path: String },
    #[error("{path}:{line}:{column}: {message}")]
    Yaml {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: chapter id `{id}` must match the file name `{id_from_file}.md`")]
    IdMismatch {
        path: String,
        id: String,
        id_from_file: String,
    },
    #[error("{path}: chapter `{id}` has no {missing} version: expected {expected}")]
    MissingTranslation {
        path: String,
        id: String,
        missing: &'static str,
        expected: String,
    },
    #[error("{path}: `{field}` is {here} here but {there} in {other}; ids, parts, order, minutes and exercises must agree across languages")]
    Mismatch {
        path: String,
        field: &'static str,
        here: String,
        there: String,
        other: String,
    },
    #[error("{path}: part `{part}` is not listed in content/course.yaml (known: {known})")]
    UnknownPart {
        path: String,
        part: String,
        known: String,
    },
    #[error("{path}: order {order} is also used by `{other}`; every chapter needs its own place in the course")]
    DuplicateOrder {
        path: String,
        order: u32,
        other: String,
    },
    #[error("{path}:{line}: link to chapter `{chapter}`, which does not exist")]
    BrokenLink {
        path: String,
        line: usize,
        chapter: String,
    },
    #[error("{path}:{line}: link to `{chapter}#{anchor}`, but that chapter has no heading with this anchor")]
    BrokenAnchor {
        path: String,
        line: usize,
        chapter: String,
        anchor: String,
    },
    #[error("{path}:{line}: {message}")]
    Markdown {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: exercise `{id}` is not in the exercise catalog (content/exercises/)")]
    UnknownExercise { path: String, id: String },
    #[error("{path}: {message}")]
    Diagram { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Everything wrong with the content at once, so an author fixes it in one pass.
#[derive(Debug)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    part: String,
    order: u32,
    summary: String,
    minutes: u32,
    exercises: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    title: Localized,
    parts: Vec<Part>,
}

/// A chapter file after parsing, before cross-checks.
struct Chapter {
    path: String,
    lang: Lang,
    front: FrontMatter,
    rendered: Rendered,
    body_line: usize,
}

fn display(root: &Path, path: &Path) -> String {
    let rel = path
        .strip_prefix(root.parent().unwrap_or(root))
        .unwrap_or(path);
    rel.display().to_string()
}

fn read(root: &Path, path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: display(root, path),
        source,
    })
}

fn yaml_error(path: String, err: YamlError, line_offset: usize) -> Error {
    Error::Yaml {
        path,
        line: err.location.line as usize + line_offset,
        column: err.location.column as usize,
        message: err.message,
    }
}

/// Splits `---\n<yaml>\n---\n<body>`; returns the YAML, the body, and the body's first line.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.lines().count() + 1;
            return Some((yaml, body, body_line));
        }
        offset += line.len();
    }
    None
}

fn parse_chapter(
    root: &Path,
    path: &Path,
    lang: Lang,
    diagrams: &Diagrams,
) -> Result<Chapter, Error> {
    let shown = display(root, path);
    let text = read(root, path)?;
    let (yaml, body, body_line) =
        split_front_matter(&text).ok_or_else(|| Error::NoFrontMatter {
            path: shown.clone(),
        })?;
    // Front matter starts on the file's second line.
    let front: FrontMatter = yaml::from_str(yaml).map_err(|e| yaml_error(shown.clone(), e, 1))?;
    let id_from_file = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    if front.id != id_from_file {
        return Err(Error::IdMismatch {
            path: shown,
            id: front.id,
            id_from_file,
        });
    }
    let rendered = render(body, lang, diagrams);
    Ok(Chapter {
        path: shown,
        lang,
        front,
        rendered,
        body_line,
    })
}

fn check_svg(shown: &str, svg: &str) -> Result<String, Error> {
    let err = |message: &str| Error::Diagram {
        path: shown.to_string(),
        message: message.to_string(),
    };
    let start = svg
        .find("<svg")
        .ok_or_else(|| err("not an SVG: no <svg> element"))?;
    let svg = svg[start..].trim_end();
    let lower = svg.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("javascript:") {
        return Err(err("diagrams must not contain scripts"));
    }
    if lower.contains("href=\"http") || lower.contains("href='http") || lower.contains("@import") {
        return Err(err("diagrams must not load anything from outside"));
    }
    let has_handler = has_event_handler(&lower);
    if has_handler {
        return Err(err("diagrams must not have event handler attributes"));
    }
    if !lower.contains("viewbox") {
        return Err(err(
            "the <svg> needs a viewBox so it scales on small screens",
        ));
    }
    Ok(svg.to_string())
}

/// `onload=`, `onclick =` ...: any attribute that would run script when inlined.
fn has_event_handler(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    lower.match_indices("on").any(|(i, _)| {
        i > 0 && bytes[i - 1].is_ascii_whitespace() && {
            let rest = &lower[i + 2..];
            let name_len = rest.bytes().take_while(|c| c.is_ascii_lowercase()).count();
            name_len > 0 && rest[name_len..].trim_start().starts_with('=')
        }
    })
}

fn load_diagrams(root: &Path, errors: &mut Vec<Error>) -> Diagrams {
    let mut diagrams = Diagrams::default();
    let dir = root.join("diagrams");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return diagrams;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(key) = name.strip_suffix(".svg") else {
            continue;
        };
        let shown = display(root, &path);
        match read(root, &path).and_then(|svg| check_svg(&shown, &svg)) {
            Ok(svg) => {
                diagrams.files.insert(key.to_string(), svg);
            }
            Err(e) => errors.push(e),
        }
    }
    diagrams
}

fn load_course_file(root: &Path) -> Result<CourseFile, Error> {
    let path = root.join("course.yaml");
    let text = read(root, &path)?;
    yaml::from_str(&text).map_err(|e| yaml_error(display(root, &path), e, 0))
}

fn markdown_problem(path: &str, body_line: usize, problem: &Problem) -> Error {
    let (line, message) = match problem {
        Problem::CodeBlockWithoutLanguage { line } => (
            *line,
            "code block without a language; name one: bash, console, yaml, dockerfile, json, go or text".to_string(),
        ),
        Problem::UnknownCodeLanguage { line, lang } => (
            *line,
            format!("code language `{lang}` is not highlighted; use bash, console, yaml, dockerfile, json, go or text"),
        ),
        Problem::MissingDiagram { line, name } => (
            *line,
            format!("diagram `{name}` not found: add content/diagrams/{name}.svg (or .zh.svg and .en.svg)"),
        ),
        Problem::LocalImageNotADiagram { line, src } => (
            *line,
            format!("image `{src}`: local images must be SVG diagrams under diagrams/"),
        ),
        Problem::TitleHeadingInBody { line } => (
            *line,
            "a `#` heading in the body: the page title comes from front matter; start sections at `##`".to_string(),
        ),
    };
    Error::Markdown {
        path: path.to_string(),
        line: body_line + line - 1,
        message,
    }
}

/// Loads and validates everything under `root` (the `content/` directory).
pub fn load(root: &Path) -> Result<Course, Errors> {
    let mut errors = Vec::new();
    let course_file = match load_course_file(root) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let diagrams = load_diagrams(root, &mut errors);

    let mut chapters: Vec<Chapter> = Vec::new();
    for lang in Lang::ALL {
        let dir = root.join(lang.code());
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(source) => {
                errors.push(Error::Io {
                    path: display(root, &dir),
                    source,
                });
                continue;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        paths.sort();
        for path in paths {
            match parse_chapter(root, &path, lang, &diagrams) {
                Ok(ch) => chapters.push(ch),
                Err(e) => errors.push(e),
            }
        }
    }

    for ch in &chapters {
        for p in &ch.rendered.problems {
            errors.push(markdown_problem(&ch.path, ch.body_line, p));
        }
    }

    let by_lang: HashMap<(Lang, &str), &Chapter> = chapters
        .iter()
        .map(|c| ((c.lang, c.front.id.as_str()), c))
        .collect();

    // Both languages, same facts.
    for ch in &chapters {
        let other_lang = ch.lang.other();
        match by_lang.get(&(other_lang, ch.front.id.as_str())) {
            None => errors.push(Error::MissingTranslation {
                path: ch.path.clone(),
                id: ch.front.id.clone(),
                missing: if other_lang == Lang::Zh {
                    "Chinese"
                } else {
                    "English"
                },
                expected: format!("content/{}/{}.md", other_lang.code(), ch.front.id),
            }),
            Some(other) if ch.lang == Lang::Zh => {
                let pairs: [(&'static str, String, String); 4] = [
                    ("part", ch.front.part.clone(), other.front.part.clone()),
                    (
                        "order",
                        ch.front.order.to_string(),
                        other.front.order.to_string(),
                    ),
                    (
                        "minutes",
                        ch.front.minutes.to_string(),
                        other.front.minutes.to_string(),
                    ),
                    (
                        "exercises",
                        ch.front.exercises.join(", "),
                        other.front.exercises.join(", "),
                    ),
                ];
                for (field, here, there) in pairs {
                    if here != there {
                        errors.push(Error::Mismatch {
                            path: ch.path.clone(),
                            field,
                            here,
                            there,
                            other: other.path.clone(),
                        });
                    }
                }
            }
            Some(_) => {}
        }
    }

    // Parts exist; orders are unique per language.
    if let Some(cf) = &course_file {
        let known: Vec<&str> = cf.parts.iter().map(|p| p.id.as_str()).collect();
        for ch in &chapters {
            if !known.contains(&ch.front.part.as_str()) {
                errors.push(Error::UnknownPart {
                    path: ch.path.clone(),
                    part: ch.front.part.clone(),
                    known: known.join(", "),
                });
            }
        }
    }
    let mut orders: HashMap<(Lang, u32), &Chapter> = HashMap::new();
    for ch in &chapters {
        if let Some(prev) = orders.insert((ch.lang, ch.front.order), ch) {
            errors.push(Error::DuplicateOrder {
                path: ch.path.clone(),
                order: ch.front.order,
                other: prev.front.id.clone(),
            });
        }
    }

    // Links resolve to a chapter and, where given, to one of its headings.
    for ch in &chapters {
        for link in &ch.rendered.links {
            let line = ch.body_line + link.line - 1;
            match by_lang.get(&(ch.lang, link.chapter.as_str())) {
                None => errors.push(Error::BrokenLink {
                    path: ch.path.clone(),
                    line,
                    chapter: link.chapter.clone(),
                }),
                Some(target) => {
                    if let Some(anchor) = &link.anchor {
                        if !target.rendered.anchors.contains(anchor) {
                            errors.push(Error::BrokenAnchor {
                                path: ch.path.clone(),
                                line,
                                chapter: link.chapter.clone(),
                                anchor: anchor.clone(),
                            });
                        }
                    }
                }
            }
        }
    }

    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    let Some(cf) = course_file else {
        return Err(Errors(errors));
    };

    let mut ordered: Vec<(u32, String)> = chapters
        .iter()
        .filter(|c| c.lang == Lang::Zh)
        .map(|c| (c.front.order, c.front.id.clone()))
        .collect();
    ordered.sort();
    let mut lessons: HashMap<Lang, HashMap<String, Lesson>> = HashMap::new();
    for ch in chapters {
        let front = ch.front;
        lessons.entry(ch.lang).or_default().insert(
            front.id.clone(),
            Lesson {
                id: front.id,
                title: front.title,
                part: front.part,
                order: front.order,
                summary: front.summary,
                minutes: front.minutes,
                exercises: front.exercises,
                html: ch.rendered.html,
                toc: ch.rendered.toc,
            },
        );
    }
    Ok(Course {
        title: cf.title,
        parts: cf.parts,
        order: ordered.into_iter().map(|(_, id)| id).collect(),
        lessons,
    })
}

/// The cross-check with the exercise catalog: every exercise a chapter names must exist.
pub fn check_exercises(course: &Course, known: &HashSet<String>) -> Result<(), Errors> {
    let mut errors = Vec::new();
    let mut seen = BTreeMap::new();
    for lang in Lang::ALL {
        for lesson in course.lessons_in_order(lang) {
            for id in &lesson.exercises {
                if !known.contains(id) && seen.insert(id.clone(), ()).is_none() {
                    errors.push(Error::UnknownExercise {
                        path: format!("content/{}/{}.md", lang.code(), lesson.id),
                        id: id.clone(),
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Errors(errors))
    }
}

#[cfg(test)]
mod tests;
