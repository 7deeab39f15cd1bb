//! The course as the pages see it: plain data, built by the server-only loader in `content`.
//! These types compile for the browser too, because islands-mode page components are type-checked there.
//!
//! Also the app's pure views of the API's data (`kubelab_wire`): what a page derives from a reply
//! (a chapter's progress, a row's fingerprint, a page of the board's rows). No strings for people
//! here: those are in `i18n`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use kubelab_wire::{Board, BoardLearner, ExerciseKind, ExerciseProgress, Status};
use serde::{Deserialize, Serialize};

/// A language the course is written in. Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the first supported language in an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, item) in header.split(',').enumerate() {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(lang) = Lang::parse(primary) else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            // Higher q wins; on a tie the earlier entry wins.
            if best.is_none_or(|(bq, bpos, _)| q > bq || (q == bq && pos < bpos)) {
                best = Some((q, pos, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }
}

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub id: String,
    pub title: Localized,
}

/// One entry of a lesson's table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub anchor: String,
    pub title: String,
}

/// A chapter in one language, rendered and ready to serve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub part: String,
    pub order: u32,
    pub summary: String,
    pub minutes: u32,
    pub exercises: Vec<String>,
    pub html: String,
    pub toc: Vec<TocEntry>,
}

/// The whole course, both languages. Chapters are kept in course order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub title: Localized,
    pub parts: Vec<Part>,
    /// Chapter ids in course order.
    pub order: Vec<String>,
    pub lessons: HashMap<Lang, HashMap<String, Lesson>>,
}

impl Course {
    pub fn lesson(&self, lang: Lang, id: &str) -> Option<&Lesson> {
        self.lessons.get(&lang)?.get(id)
    }

    /// Lessons in course order for one language.
    pub fn lessons_in_order(&self, lang: Lang) -> impl Iterator<Item = &Lesson> {
        self.order
            .iter()
            .filter_map(move |id| self.lesson(lang, id))
    }

    /// Lessons of one part, in course order.
    pub fn lessons_of_part<'a>(
        &'a self,
        lang: Lang,
        part: &'a str,
    ) -> impl Iterator<Item = &'a Lesson> + 'a {
        self.lessons_in_order(lang).filter(move |l| l.part == part)
    }

    /// The chapters before and after `id` in course order.
    pub fn neighbours(&self, lang: Lang, id: &str) -> (Option<&Lesson>, Option<&Lesson>) {
        let Some(pos) = self.order.iter().position(|c| c == id) else {
            return (None, None);
        };
        let prev = pos
            .checked_sub(1)
            .and_then(|p| self.order.get(p))
            .and_then(|c| self.lesson(lang, c));
        let next = self.order.get(pos + 1).and_then(|c| self.lesson(lang, c));
        (prev, next)
    }
}

/// The longest search query, in characters: the search box's `maxlength` and the server's bound.
pub const MAX_SEARCH_CHARS: usize = 200;

/// One search result: a section of a chapter, and a snippet of its text with the matched words
/// marked. Built on the server by `content::search`; plain data so the page can render it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub chapter: String,
    pub chapter_title: String,
    pub heading: String,
    /// The heading's anchor; `None` for the text before a chapter's first heading.
    pub anchor: Option<String>,
    pub snippet: Vec<SnippetPart>,
}

impl SearchHit {
    /// `/en/learn/service#nodeport-opening-up-to-the-outside`
    pub fn href(&self, lang: Lang) -> String {
        match &self.anchor {
            Some(a) => format!("/{}/learn/{}#{a}", lang.code(), self.chapter),
            None => format!("/{}/learn/{}", lang.code(), self.chapter),
        }
    }
}

/// A piece of a snippet; `mark` for a matched word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub mark: bool,
}

/// What this kubelab offers beyond the course, as the server is configured; pages are cached
/// and the same for everyone, so only site-wide facts go here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// Learners get a terminal in the page (lesson pages and My lab show its dock).
    pub terminal: bool,
}

/// The live course: the server swaps in a new `Course` when content changes in dev.
#[derive(Clone, Debug, Default)]
pub struct CourseHandle(Arc<RwLock<Arc<Course>>>);

impl CourseHandle {
    pub fn new(course: Course) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(course))))
    }

    pub fn current(&self) -> Arc<Course> {
        // A poisoned lock only means a reload panicked mid-swap; the old course is still whole.
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace(&self, course: Course) {
        let mut guard = match self.0.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(course);
    }
}

/// How far a learner is through a chapter: what `islands::ChapterBar` draws from
/// `/api/me/summary` in the browser (a cached page cannot carry one learner's numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterProgress {
    pub passed: u32,
    pub total: u32,
}

impl ChapterProgress {
    /// Passed out of a chapter's exercises; `None` for a visitor or a chapter without exercises,
    /// so nothing is drawn rather than a bar that means nothing.
    pub fn of(
        signed_in: bool,
        progress: &[ExerciseProgress],
        exercises: &[String],
    ) -> Option<ChapterProgress> {
        if !signed_in || exercises.is_empty() {
            return None;
        }
        let passed = exercises
            .iter()
            .filter(|id| {
                progress
                    .iter()
                    .any(|p| &p.exercise_id == *id && p.status == Status::Passed)
            })
            .count();
        Some(ChapterProgress {
            passed: u32::try_from(passed).unwrap_or(u32::MAX),
            total: u32::try_from(exercises.len()).unwrap_or(u32::MAX),
        })
    }
}

/// The CSS and stable name of an exercise kind (`kind-dockerfile`, ...).
pub fn kind_slug(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Dockerfile => "dockerfile",
        ExerciseKind::Command => "command",
        ExerciseKind::Manifest => "manifest",
        ExerciseKind::Quiz => "quiz",
        ExerciseKind::Cluster => "cluster",
    }
}

/// A person's display name, unless it is blank (then the page says "anonymous" in its language).
pub fn display_name(name: Option<&str>) -> Option<&str> {
    name.filter(|n| !n.trim().is_empty())
}

/// What the classroom board derives from a [`Board`].
pub trait BoardView {
    /// An exercise's title in `lang`, or its id when the catalog gave none.
    fn exercise_title(&self, id: &str, lang: Lang) -> String;
}

impl BoardView for Board {
    fn exercise_title(&self, id: &str, lang: Lang) -> String {
        self.exercises
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.title.get(lang.code()).to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| id.to_string())
    }
}

/// Learners per page of the board.
pub const BOARD_PAGE_SIZE: usize = 25;
/// The longest learner filter the board reads (longer input is cut).
pub const MAX_FILTER_CHARS: usize = 100;

/// One page of the board's rows: the learners whose name or namespace contains `filter`
/// (ignoring case and surrounding blanks), page `page` (from 0, clamped to the last page) of
/// `size` rows.
#[derive(Clone, Debug, PartialEq)]
pub struct RowPage {
    pub rows: Vec<BoardLearner>,
    /// The page shown, from 0.
    pub page: usize,
    /// At least 1.
    pub pages: usize,
    /// Learners that match the filter.
    pub matched: usize,
}

pub fn page_rows(learners: &[BoardLearner], filter: &str, page: usize, size: usize) -> RowPage {
    let needle: String = filter
        .trim()
        .chars()
        .take(MAX_FILTER_CHARS)
        .collect::<String>()
        .to_lowercase();
    let matching: Vec<&BoardLearner> = learners
        .iter()
        .filter(|l| {
            needle.is_empty()
                || l.namespace.to_lowercase().contains(&needle)
                || l.display_name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&needle))
        })
        .collect();
    let size = size.max(1);
    let pages = matching.len().div_ceil(size).max(1);
    let page = page.min(pages - 1);
    RowPage {
        rows: matching
            .iter()
            .skip(page * size)
            .take(size)
            .map(|l| (*l).clone())
            .collect(),
        page,
        pages,
        matched: matching.len(),
    }
}

/// Changes whenever anything shown in a learner's board row changes; keys the row so a live
/// update re-renders only rows that changed (and keyboard focus elsewhere survives).
pub fn row_fingerprint(learner: &BoardLearner) -> String {
    let mut s = format!(
        "{}|{:?}|{}",
        learner.id, learner.display_name, learner.namespace
    );
    for c in &learner.cells {
        s.push_str(&format!(
            "|{}:{}:{}",
            c.exercise_id,
            c.status.code(),
            c.attempts
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubelab_wire::{Summary, SummaryProgress};

    #[test]
    fn accept_language_prefers_highest_q_then_first() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr, zh-CN;q=0.7, en;q=0.5"),
            Some(Lang::Zh)
        );
        assert_eq!(
            Lang::from_accept_language("zh;q=0.4, en;q=0.9"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0, zh;q=0.1"),
            Some(Lang::Zh)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    fn lesson(id: &str, order: u32) -> Lesson {
        Lesson {
            id: id.into(),
            title: id.into(),
            part: "p".into(),
            order,
            summary: String::new(),
            minutes: 1,
            exercises: vec![],
            html: String::new(),
            toc: vec![],
        }
    }

    #[test]
    fn neighbours_follow_course_order_and_stop_at_the_ends() {
        let mut course = Course {
            order: vec!["a".into(), "b".into(), "c".into()],
            ..Default::default()
        };
        let zh = course.lessons.entry(Lang::Zh).or_default();
        for (i, id) in ["a", "b", "c"].iter().enumerate() {
            zh.insert(id.to_string(), lesson(id, i as u32));
        }
        let ids = |(p, n): (Option<&Lesson>, Option<&Lesson>)| {
            (p.map(|l| l.id.clone()), n.map(|l| l.id.clone()))
        };
        assert_eq!(
            ids(course.neighbours(Lang::Zh, "a")),
            (None, Some("b".into()))
        );
        assert_eq!(
            ids(course.neighbours(Lang::Zh, "b")),
            (Some("a".into()), Some("c".into()))
        );
        assert_eq!(
            ids(course.neighbours(Lang::Zh, "c")),
            (Some("b".into()), None)
        );
        assert_eq!(ids(course.neighbours(Lang::Zh, "zz")), (None, None));
    }

    const SUMMARY: &str = r#"{"signed_in":true,
        "progress":[{"exercise_id":"a","status":"passed","attempts":2,"first_pass_at":5,"last_at":6},
                    {"exercise_id":"b","status":"failing","attempts":1,"first_pass_at":null,"last_at":4},
                    {"exercise_id":"z","status":"passed","attempts":1,"first_pass_at":1,"last_at":1}],
        "last":{"a":{"at":6,"verdict":{"exercise":"a","mode":"offline","passed":true,"results":[]}}}}"#;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chapter_counts_only_its_own_passed_exercises() {
        let s: Summary = serde_json::from_str(SUMMARY).unwrap();
        assert_eq!(
            ChapterProgress::of(s.signed_in, &s.progress, &ids(&["a", "b", "c"])),
            Some(ChapterProgress {
                passed: 1,
                total: 3
            })
        );
        assert_eq!(ChapterProgress::of(s.signed_in, &s.progress, &[]), None);
        assert_eq!(s.last["a"].at, 6);
        // The reader's bundle reads the same response as the progress alone.
        let p: SummaryProgress = serde_json::from_str(SUMMARY).unwrap();
        assert_eq!((p.signed_in, p.progress), (s.signed_in, s.progress));
    }

    #[test]
    fn a_visitor_sees_no_bar() {
        let s: Summary =
            serde_json::from_str(r#"{"signed_in":false,"progress":[],"last":{}}"#).unwrap();
        assert_eq!(
            ChapterProgress::of(s.signed_in, &s.progress, &ids(&["a"])),
            None
        );
    }

    const BOARD: &str = r#"{
        "classroom": {"id": "3", "code": "ABCD-EFGH", "name": "Mon", "archived_at": null},
        "exercises": [{"id":"deployment","kind":"cluster","title":{"zh":"部署","en":"Deployment"}},
                      {"id":"service","kind":"cluster","title":{"zh":"服务","en":"Service"}}],
        "learners": [{"id":"l1","display_name":"Ada","namespace":"kl-1",
                      "cells":[{"exercise_id":"service","status":"failing","attempts":2,"first_pass_at":null},
                               {"exercise_id":"deployment","status":"passed","attempts":1,"first_pass_at":9}]}],
        "stuck": [{"exercise_id":"deployment","assertion_id":"replicas","learners":1},
                  {"exercise_id":"service","assertion_id":"selector","learners":4},
                  {"exercise_id":"service","assertion_id":"port","learners":0}]
    }"#;

    #[test]
    fn board_cells_are_found_by_exercise_id_not_position() {
        let b: Board = serde_json::from_str(BOARD).unwrap();
        let ada = &b.learners[0];
        assert_eq!(ada.cell("deployment").status, Status::Passed);
        assert_eq!(ada.cell("service").attempts, 2);
        assert_eq!(ada.cell("missing").status, Status::NotStarted);
    }

    #[test]
    fn stuck_list_puts_most_learners_first_and_drops_zero() {
        let b: Board = serde_json::from_str(BOARD).unwrap();
        let order: Vec<_> = kubelab_wire::analytics::stuck_sorted(&b)
            .into_iter()
            .map(|s| s.assertion_id)
            .collect();
        assert_eq!(order, ["selector", "replicas"]);
        assert_eq!(b.exercise_title("service", Lang::Zh), "服务");
        assert_eq!(b.exercise_title("unknown", Lang::En), "unknown");
    }

    #[test]
    fn row_fingerprint_changes_when_a_cell_changes() {
        let mut b: Board = serde_json::from_str(BOARD).unwrap();
        let before = row_fingerprint(&b.learners[0]);
        b.learners[0].cells[0].status = Status::Passed;
        assert_ne!(before, row_fingerprint(&b.learners[0]));
    }

    fn named(n: usize) -> Vec<BoardLearner> {
        (0..n)
            .map(|i| BoardLearner {
                id: format!("l{i}"),
                display_name: Some(if i % 2 == 0 {
                    format!("Ada {i}")
                } else {
                    format!("Bo {i}")
                }),
                namespace: format!("kl-{i}"),
                joined_at: 0,
                cells: vec![],
            })
            .collect()
    }

    #[test]
    fn rows_are_paged_and_the_page_is_clamped_to_the_last() {
        let all = named(60);
        let p = page_rows(&all, "", 0, 25);
        assert_eq!((p.rows.len(), p.page, p.pages, p.matched), (25, 0, 3, 60));
        assert_eq!(p.rows[0].id, "l0");
        let p = page_rows(&all, "", 2, 25);
        assert_eq!((p.rows.len(), p.rows[0].id.as_str()), (10, "l50"));
        let p = page_rows(&all, "", 9, 25);
        assert_eq!(p.page, 2);
        let none = page_rows(&[], "", 3, 25);
        assert_eq!((none.rows.len(), none.page, none.pages), (0, 0, 1));
    }

    #[test]
    fn the_filter_matches_name_or_namespace_ignoring_case() {
        let all = named(60);
        let p = page_rows(&all, "  ada ", 0, 25);
        assert_eq!((p.matched, p.pages), (30, 2));
        assert!(p
            .rows
            .iter()
            .all(|l| l.display_name.as_deref().unwrap().starts_with("Ada")));
        let p = page_rows(&all, "KL-59", 0, 25);
        assert_eq!(p.rows.len(), 1);
        assert_eq!(page_rows(&all, "nobody", 0, 25).matched, 0);
    }

    #[test]
    fn a_blank_display_name_is_no_name() {
        assert_eq!(display_name(Some("  ")), None);
        assert_eq!(display_name(Some("Ada")), Some("Ada"));
        assert_eq!(display_name(None), None);
    }
}
