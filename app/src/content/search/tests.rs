//! The index on the real course in `content/`: the queries of the issue each find their section.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::*;

fn course() -> &'static Arc<Course> {
    static COURSE: OnceLock<Arc<Course>> = OnceLock::new();
    COURSE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        Arc::new(crate::content::load(&root).expect("the course loads"))
    })
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::build(course()).expect("index builds"))
}

fn hits(lang: Lang, q: &str) -> Vec<SearchHit> {
    index().search(lang, q).expect("searches")
}

fn top(lang: Lang, q: &str, n: usize) -> Vec<(String, Option<String>)> {
    hits(lang, q)
        .into_iter()
        .take(n)
        .map(|h| (h.chapter, h.anchor))
        .collect()
}

fn at(chapter: &str, anchor: &str) -> (String, Option<String>) {
    (chapter.to_string(), Some(anchor.to_string()))
}

#[test]
fn chinese_terms_find_their_sections_segmented_by_jieba() {
    assert_eq!(
        top(Lang::Zh, "滚动更新", 1),
        vec![at("deployment", "滚动更新-不停服换版本")],
        "{:#?}",
        hits(Lang::Zh, "滚动更新")
    );
    assert_eq!(
        top(Lang::Zh, "污点", 1),
        vec![at("daemonset", "污点-节点在说-别过来")],
        "{:#?}",
        hits(Lang::Zh, "污点")
    );
}

#[test]
fn english_terms_find_their_sections_stemmed_and_as_phrases() {
    assert_eq!(
        top(Lang::En, "taint", 1),
        vec![at("daemonset", "taints-a-node-saying-keep-out")],
        "{:#?}",
        hits(Lang::En, "taint")
    );
    assert_eq!(
        top(Lang::En, "NodePort range", 1),
        vec![at("service", "nodeport-opening-up-to-the-outside")],
        "{:#?}",
        hits(Lang::En, "NodePort range")
    );
    let dry_run = top(Lang::En, "dry-run", 3);
    assert_eq!(dry_run[0].0, "yaml-api-objects", "{dry_run:?}");
    assert!(
        dry_run.contains(&at("yaml-api-objects", "four-helpers-for-writing-yaml")),
        "the section that teaches --dry-run: {dry_run:?}"
    );
}

#[test]
fn every_hit_links_to_a_heading_of_that_chapter_in_that_language() {
    for (lang, q) in [
        (Lang::Zh, "滚动更新"),
        (Lang::Zh, "污点"),
        (Lang::Zh, "Service"),
        (Lang::En, "taint"),
        (Lang::En, "NodePort range"),
        (Lang::En, "dry-run"),
        (Lang::En, "kubectl"),
    ] {
        let found = hits(lang, q);
        assert!(!found.is_empty(), "{q}");
        assert!(found.len() <= MAX_HITS);
        for h in found {
            let lesson = course().lesson(lang, &h.chapter).expect("chapter exists");
            assert_eq!(h.chapter_title, lesson.title);
            if let Some(anchor) = &h.anchor {
                assert!(
                    lesson
                        .toc
                        .iter()
                        .any(|e| &e.anchor == anchor && e.title == h.heading),
                    "{q}: {anchor} is not a heading of {} ({lang:?})",
                    h.chapter
                );
            }
        }
    }
}

#[test]
fn snippets_mark_the_matched_words() {
    let first = &hits(Lang::En, "NodePort range")[0];
    let marked: Vec<String> = first
        .snippet
        .iter()
        .filter(|p| p.mark)
        .map(|p| p.text.to_lowercase())
        .collect();
    assert!(
        marked.iter().any(|m| m == "range" || m == "nodeport"),
        "{first:#?}"
    );
    let zh = &hits(Lang::Zh, "污点")[0];
    assert!(
        zh.snippet.iter().any(|p| p.mark && p.text == "污点"),
        "{zh:#?}"
    );
}

#[test]
fn a_query_over_the_bound_is_refused_and_one_at_it_is_searched() {
    let long = "taint ".repeat(40);
    assert!(matches!(
        index().search(Lang::En, &long),
        Err(SearchError::QueryTooLong {
            max: MAX_QUERY_CHARS,
            ..
        })
    ));
    let at_bound: String = "污".repeat(MAX_QUERY_CHARS);
    assert!(index().search(Lang::Zh, &at_bound).is_ok());
}

#[test]
fn query_syntax_a_learner_may_type_never_fails() {
    for q in [
        "\"dry-run",
        "a:b",
        "(((",
        ")",
        "AND OR NOT",
        "*",
        "heading:",
        "taint^",
        "-",
        "+",
        "[1 TO",
        "{}",
        "\\",
        "kubectl get pods -o yaml | grep -i \"name:\"",
        "<script>alert(1)</script>",
        "   ",
        "",
    ] {
        for lang in Lang::ALL {
            let found = index()
                .search(lang, q)
                .unwrap_or_else(|e| panic!("{q:?}: {e}"));
            assert!(found.len() <= MAX_HITS, "{q:?}");
        }
    }
    assert!(hits(Lang::En, "").is_empty());
    // An unclosed quote still searches what it quotes.
    assert!(!hits(Lang::En, "\"dry-run").is_empty());
}

#[test]
fn every_word_must_match_before_any_word_may() {
    // "taint" alone is in a few chapters; with a word found nowhere, the daemonset still comes
    // first rather than nothing at all.
    let found = top(Lang::En, "taint zzzqqq", 1);
    assert_eq!(found[0].0, "daemonset");
}

#[test]
fn sections_cover_every_lesson_with_real_anchors_and_no_markup() {
    for lang in Lang::ALL {
        for lesson in course().lessons_in_order(lang) {
            let sections = split(&lesson.title, &lesson.html);
            let anchors: Vec<&str> = sections
                .iter()
                .filter_map(|s| s.anchor.as_deref())
                .collect();
            let toc: Vec<&str> = lesson.toc.iter().map(|e| e.anchor.as_str()).collect();
            assert_eq!(anchors, toc, "{} ({lang:?})", lesson.id);
            for s in &sections {
                // Highlighting spans and the copy button are gone (`--class="$CLASS"` is text).
                assert!(
                    !s.text.contains("class=\"tok-"),
                    "{}: {}",
                    lesson.id,
                    s.text
                );
                assert!(!s.text.contains("<span"), "{}: {}", lesson.id, s.text);
                assert!(!s.text.contains("data-copy"), "{}: {}", lesson.id, s.text);
            }
        }
    }
}

#[test]
fn the_handle_builds_once_per_course_version() {
    let handle = SearchHandle::default();
    let a = handle.index_for(course()).expect("builds");
    let again = handle.index_for(course()).expect("cached");
    assert!(Arc::ptr_eq(&a, &again));
    let reloaded = Arc::new(Course::clone(course()));
    let b = handle.index_for(&reloaded).expect("rebuilds");
    assert!(!Arc::ptr_eq(&a, &b));
    assert_eq!(a.sections(), b.sections());
}

#[test]
fn a_heading_topic_is_the_words_before_its_colon() {
    assert_eq!(topic("Taints: a node saying \"keep out\""), "Taints");
    assert_eq!(topic("滚动更新：不停服换版本"), "滚动更新");
    assert_eq!(topic("Four helpers for writing YAML"), "");
    assert_eq!(topic("service-nodeport"), "");
}

#[test]
fn snippet_tokens_of_chinese_never_go_back() {
    // Search mode gives the parts of a compound, then the compound itself, starting earlier.
    let text = "中华人民共和国的北京大学和滚动更新";
    let mut analyzer = ZhTokenizer::analyzer(true);
    let mut stream = analyzer.token_stream(text);
    let mut last = 0;
    while let Some(token) = stream.next() {
        assert!(token.offset_from >= last, "{token:?} after {last}");
        last = token.offset_from;
    }
    let mut indexed = ZhTokenizer::analyzer(false);
    let mut stream = indexed.token_stream(text);
    let mut went_back = false;
    let mut last = 0;
    while let Some(token) = stream.next() {
        went_back |= token.offset_from < last;
        last = token.offset_from;
    }
    assert!(
        went_back,
        "the index keeps the compounds (this test needs one)"
    );
}
