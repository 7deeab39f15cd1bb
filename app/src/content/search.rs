//! Search across the course: one in-RAM tantivy index per language, one document per lesson
//! section (h2/h3), built once per course version.
//!
//! Chinese is segmented by jieba (`tantivy-jieba`, search mode, positions in characters so that a
//! query word jieba splits, like 滚动更新 → 滚动 + 更新, becomes a phrase that matches the same
//! split in the text); English goes through tantivy's `en_stem` (taints → taint). Queries are
//! parsed leniently (`"dry-run`, `a:b` never fail), all words must match first and any word may
//! match if that finds nothing, and a match in a heading weighs more than one in the text.

mod sections;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED,
};
use tantivy::snippet::{collapse_overlapped_ranges, SnippetGenerator};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument};
use tantivy_jieba::JiebaTokenizer;

use crate::model::{Course, Lang, SearchHit, SnippetPart};
pub use sections::{split, Section};

/// Longer queries are refused: nobody types more, and it bounds the work per request.
pub const MAX_QUERY_CHARS: usize = crate::model::MAX_SEARCH_CHARS;
/// Results per query: a page of links, not an export.
pub const MAX_HITS: usize = 20;
/// About two lines of text around the matched words.
const SNIPPET_CHARS: usize = 160;
/// Headings say what a section is about; a match there ranks above one in passing, and most of
/// all a match in the heading's topic: "Taints" of "Taints: a node saying "keep out"", which is
/// where taints are explained, rather than "Option 1: remove the taint".
const TOPIC_BOOST: f32 = 3.0;
const HEADING_BOOST: f32 = 2.0;
const CHAPTER_TITLE_BOOST: f32 = 1.5;
/// The writer's arena; the whole course needs a few MB.
const WRITER_BYTES: usize = 50_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the query has {chars} characters; at most {max} are searched")]
    QueryTooLong { chars: usize, max: usize },
    #[error("the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// jieba's tokens include spaces and punctuation; only words are worth indexing.
#[derive(Clone)]
struct ZhTokenizer {
    jieba: JiebaTokenizer,
    /// For snippets: drop a token that starts before the one before it. jieba's search mode
    /// gives 北京, 大学, then 北京大学; tantivy's snippet code assumes offsets never go back
    /// (it subtracts them: a panic in debug builds, a wrapped range in release).
    forward_only: bool,
}

impl ZhTokenizer {
    fn analyzer(forward_only: bool) -> TextAnalyzer {
        let jieba = JiebaTokenizer::new();
        TextAnalyzer::builder(ZhTokenizer {
            jieba,
            forward_only,
        })
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
    }
}

struct WordsOnly<S> {
    inner: S,
    forward_only: bool,
    last_start: usize,
}

impl<S: TokenStream> TokenStream for WordsOnly<S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            let token = self.inner.token();
            if self.forward_only && token.offset_from < self.last_start {
                continue;
            }
            if token.text.chars().any(char::is_alphanumeric) {
                self.last_start = token.offset_from;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = WordsOnly<<JiebaTokenizer as Tokenizer>::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordsOnly {
            inner: self.jieba.token_stream(text),
            forward_only: self.forward_only,
            last_start: 0,
        }
    }
}

fn analyzer_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh_jieba",
        // tantivy's own: words, lowercased, Snowball English stems.
        Lang::En => "en_stem",
    }
}

struct Fields {
    topic: Field,
    heading: Field,
    chapter_title: Field,
    body: Field,
    ord: Field,
}

/// What a hit shows, kept outside tantivy: the index stores only each section's number.
struct Stored {
    chapter: String,
    chapter_title: String,
    section: Section,
}

struct LangIndex {
    reader: IndexReader,
    fields: Fields,
    /// Every word must match …
    all_words: QueryParser,
    /// … or, when that finds nothing, any word.
    any_word: QueryParser,
    /// The body's analyzer, with offsets that never go back (see `ZhTokenizer`).
    snippet_analyzer: TextAnalyzer,
    sections: Vec<Stored>,
}

impl LangIndex {
    fn build(course: &Course, lang: Lang) -> Result<LangIndex, SearchError> {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer_name(lang))
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = TextOptions::default().set_indexing_options(indexing.clone());
        // Titles are all short: without lengths, "Option 1: remove the taint" does not beat
        // "Taints: a node saying keep out" for "taint" by being a word shorter; the text decides.
        let title = TextOptions::default().set_indexing_options(indexing.set_fieldnorms(false));
        let mut schema = Schema::builder();
        let fields = Fields {
            topic: schema.add_text_field("topic", title.clone()),
            heading: schema.add_text_field("heading", title.clone()),
            chapter_title: schema.add_text_field("chapter_title", title),
            body: schema.add_text_field("body", text),
            ord: schema.add_u64_field("ord", STORED),
        };
        let index = Index::create_in_ram(schema.build());
        if lang == Lang::Zh {
            index
                .tokenizers()
                .register(analyzer_name(lang), ZhTokenizer::analyzer(false));
        }
        let snippet_analyzer = match lang {
            Lang::Zh => ZhTokenizer::analyzer(true),
            Lang::En => index.tokenizer_for_field(fields.body)?,
        };
        let mut writer = index.writer_with_num_threads(1, WRITER_BYTES)?;
        let mut sections = Vec::new();
        for lesson in course.lessons_in_order(lang) {
            for section in split(&lesson.title, &lesson.html) {
                writer.add_document(doc!(
                    fields.topic => topic(&section.heading),
                    fields.heading => section.heading.as_str(),
                    fields.chapter_title => lesson.title.as_str(),
                    fields.body => section.text.as_str(),
                    fields.ord => sections.len() as u64,
                ))?;
                sections.push(Stored {
                    chapter: lesson.id.clone(),
                    chapter_title: lesson.title.clone(),
                    section,
                });
            }
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searched = vec![
            fields.topic,
            fields.heading,
            fields.chapter_title,
            fields.body,
        ];
        let mut any_word = QueryParser::for_index(&index, searched);
        any_word.set_field_boost(fields.topic, TOPIC_BOOST);
        any_word.set_field_boost(fields.heading, HEADING_BOOST);
        any_word.set_field_boost(fields.chapter_title, CHAPTER_TITLE_BOOST);
        let mut all_words = any_word.clone();
        all_words.set_conjunction_by_default();
        Ok(LangIndex {
            reader,
            fields,
            all_words,
            any_word,
            snippet_analyzer,
            sections,
        })
    }

    fn search(&self, query: &str) -> Result<Vec<SearchHit>, SearchError> {
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(MAX_HITS).order_by_score();
        let mut found = None;
        for parser in [&self.all_words, &self.any_word] {
            // Lenient: what the grammar cannot read is dropped, never an error for the learner.
            let (parsed, _ignored) = parser.parse_query_lenient(query);
            let hits = searcher.search(&*parsed, &top)?;
            if !hits.is_empty() {
                found = Some((parsed, hits));
                break;
            }
        }
        let Some((parsed, hits)) = found else {
            return Ok(Vec::new());
        };
        // What `SnippetGenerator::create` does, with our analyzer: the query's words in the text,
        // rarer ones weighing more.
        let mut terms = BTreeMap::new();
        let mut body_terms = Vec::new();
        parsed.query_terms(&mut |term, _| {
            if term.field() == self.fields.body {
                body_terms.push(term.clone());
            }
        });
        for term in body_terms {
            let docs = searcher.doc_freq(&term)?;
            if let (Some(text), true) = (term.value().as_str(), docs > 0) {
                terms.insert(text.to_string(), 1.0 / (1.0 + docs as f32));
            }
        }
        let snippets = SnippetGenerator::new(
            terms,
            self.snippet_analyzer.clone(),
            self.fields.body,
            SNIPPET_CHARS,
        );
        let mut out = Vec::with_capacity(hits.len());
        for (_score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(stored) = doc
                .get_first(self.fields.ord)
                .and_then(|v| v.as_u64())
                .and_then(|ord| self.sections.get(ord as usize))
            else {
                continue;
            };
            let text = &stored.section.text;
            let snippet = snippets.snippet(text);
            let parts = if snippet.highlighted().is_empty() {
                lead(text)
            } else {
                marked(snippet.fragment(), snippet.highlighted())
            };
            out.push(SearchHit {
                chapter: stored.chapter.clone(),
                chapter_title: stored.chapter_title.clone(),
                heading: stored.section.heading.clone(),
                anchor: stored.section.anchor.clone(),
                snippet: parts,
            });
        }
        Ok(out)
    }
}

/// What a heading of the form "Topic: more words" is about: "Taints", "滚动更新". Others have
/// no topic: an exercise's id (`service-nodeport`) is a heading, but not where NodePort is taught.
fn topic(heading: &str) -> &str {
    heading
        .split_once([':', '：'])
        .map_or("", |(topic, _)| topic)
}

/// A section matched by its heading or chapter title alone: show how its text begins.
fn lead(text: &str) -> Vec<SnippetPart> {
    let mut lead: String = text.chars().take(SNIPPET_CHARS).collect();
    if lead.len() < text.len() {
        lead.push('…');
    }
    vec![SnippetPart {
        text: lead,
        mark: false,
    }]
}

/// The fragment cut at the matched words, so the page marks them without any raw HTML.
fn marked(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut at = 0;
    for range in collapse_overlapped_ranges(highlighted) {
        let (Some(before), Some(word)) =
            (fragment.get(at..range.start), fragment.get(range.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            parts.push(SnippetPart {
                text: before.to_string(),
                mark: false,
            });
        }
        parts.push(SnippetPart {
            text: word.to_string(),
            mark: true,
        });
        at = range.end;
    }
    if let Some(rest) = fragment.get(at..).filter(|r| !r.is_empty()) {
        parts.push(SnippetPart {
            text: rest.to_string(),
            mark: false,
        });
    }
    parts
}

/// The course's search index, both languages.
pub struct SearchIndex {
    langs: HashMap<Lang, LangIndex>,
    built_in: Duration,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("sections", &self.sections())
            .finish()
    }
}

impl SearchIndex {
    pub fn build(course: &Course) -> Result<SearchIndex, SearchError> {
        let start = Instant::now();
        let mut langs = HashMap::new();
        for lang in Lang::ALL {
            langs.insert(lang, LangIndex::build(course, lang)?);
        }
        Ok(SearchIndex {
            langs,
            built_in: start.elapsed(),
        })
    }

    /// At most [`MAX_HITS`] sections of the course in `lang`, best first. An empty query finds
    /// nothing; one longer than [`MAX_QUERY_CHARS`] is refused.
    pub fn search(&self, lang: Lang, query: &str) -> Result<Vec<SearchHit>, SearchError> {
        let query = query.trim();
        let chars = query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong {
                chars,
                max: MAX_QUERY_CHARS,
            });
        }
        match self.langs.get(&lang) {
            Some(index) if !query.is_empty() => index.search(query),
            _ => Ok(Vec::new()),
        }
    }

    /// Documents in the index: sections of both languages.
    pub fn sections(&self) -> usize {
        self.langs.values().map(|l| l.sections.len()).sum()
    }

    /// How long [`SearchIndex::build`] took.
    pub fn built_in(&self) -> Duration {
        self.built_in
    }

    /// Bytes of the indexes in RAM (tantivy's files) plus the section texts kept for snippets.
    pub fn ram_bytes(&self) -> Result<u64, SearchError> {
        let mut total = 0;
        for l in self.langs.values() {
            let usage = l
                .reader
                .searcher()
                .space_usage()
                .map_err(|e| SearchError::Index(e.into()))?;
            total += usage.total().get_bytes();
            total += l
                .sections
                .iter()
                .map(|s| (s.section.text.len() + s.section.heading.len()) as u64)
                .sum::<u64>();
        }
        Ok(total)
    }
}

/// The index of the course being served, rebuilt when a content reload brings a new `Course`
/// (compared by pointer, like the page cache), so a hit never points into an older version.
#[derive(Clone, Default)]
pub struct SearchHandle(Arc<Mutex<Option<Built>>>);

/// An index and the course it was built from.
type Built = (Arc<Course>, Arc<SearchIndex>);

impl std::fmt::Debug for SearchHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchHandle")
    }
}

impl SearchHandle {
    /// The index of `course`, built now if this is the first time this course is asked about.
    /// The server calls it right after loading (and reloading) so no request pays for a build.
    pub fn index_for(&self, course: &Arc<Course>) -> Result<Arc<SearchIndex>, SearchError> {
        // A poisoned lock only means a build panicked; building again is the remedy.
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((built_from, index)) = slot.as_ref() {
            if Arc::ptr_eq(built_from, course) {
                return Ok(index.clone());
            }
        }
        let index = Arc::new(SearchIndex::build(course)?);
        *slot = Some((course.clone(), index.clone()));
        Ok(index)
    }
}

#[cfg(test)]
mod tests;
