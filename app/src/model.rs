//! The course as the pages see it: plain data, built by the server-only loader in `content`.
//! These types compile for the browser too, because islands-mode page components are type-checked there.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
