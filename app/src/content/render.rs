//! Markdown → HTML for lessons. pulldown-cmark parses; we rewrite a few events on the way:
//! headings get anchors and feed the table of contents, code blocks are highlighted and get a
//! copy button, GitHub-style admonitions become asides, chapter links get their URL, and
//! diagrams are inlined so they follow the page's colour scheme.

use std::collections::{BTreeMap, HashSet};

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};

use super::highlight::{copy_text, escape_html, highlight, is_supported, run_text};
use crate::i18n::terminal::{tt, T};
use crate::i18n::{t, Msg};
use crate::model::{Lang, TocEntry};

/// Diagram name (e.g. `deployment-replicaset`) → SVG text per language variant.
#[derive(Clone, Debug, Default)]
pub struct Diagrams {
    /// Keys: `name` for a language-neutral file, `name.zh` / `name.en` for variants.
    pub files: BTreeMap<String, String>,
}

impl Diagrams {
    pub fn get(&self, name: &str, lang: Lang) -> Option<&str> {
        self.files
            .get(&format!("{name}.{}", lang.code()))
            .or_else(|| self.files.get(name))
            .map(String::as_str)
    }
}

/// A link from a lesson to a chapter, to be checked once every chapter is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterLink {
    pub chapter: String,
    pub anchor: Option<String>,
    pub line: usize,
}

/// Something in the markdown that the author must fix; found while rendering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    CodeBlockWithoutLanguage { line: usize },
    UnknownCodeLanguage { line: usize, lang: String },
    MissingDiagram { line: usize, name: String },
    LocalImageNotADiagram { line: usize, src: String },
    TitleHeadingInBody { line: usize },
}

#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub anchors: HashSet<String>,
    pub links: Vec<ChapterLink>,
    pub problems: Vec<Problem>,
}

/// Turns a heading into an anchor id: lowercase ASCII letters and digits, CJK characters kept,
/// everything else folded into single dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// `deployment.md#selectors` → ("deployment", Some("selectors")) for chapter links.
fn chapter_link(dest: &str) -> Option<(String, Option<String>)> {
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let id = path
        .strip_prefix("./")
        .unwrap_or(path)
        .strip_suffix(".md")?;
    let valid = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| (id.to_string(), anchor))
}

fn diagram_name(src: &str) -> Option<&str> {
    src.strip_prefix("diagrams/")?.strip_suffix(".svg")
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset)
}

/// Our admonition markers: GitHub's five plus `[!PITFALL]`, which we carry as CAUTION.
fn preprocess(markdown: &str) -> String {
    markdown.replace("[!PITFALL]", "[!CAUTION]")
}

pub fn render(markdown: &str, lang: Lang, diagrams: &Diagrams) -> Rendered {
    let source = preprocess(markdown);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let parser = Parser::new_ext(&source, options).into_offset_iter();

    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    // State for the constructs we rewrite as a whole.
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
    let mut code: Option<(String, String, usize)> = None;
    let mut image: Option<(String, String, usize)> = None;

    for (event, range) in parser {
        let line = line_of(&line_starts, range.start);
        if let Some((_, text, _)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((lang_name, text, _)) = code.take() {
                        events.push(Event::Html(code_block(&lang_name, &text, lang).into()));
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, alt, _)) = image.as_mut() {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::End(TagEnd::Image) => {
                    if let Some((src, alt, line)) = image.take() {
                        events.push(Event::Html(
                            figure(&src, &alt, line, lang, diagrams, &mut out.problems).into(),
                        ));
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some((level, _, inner)) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let level = *level;
                if let Some((_, id, inner)) = heading.take() {
                    events.push(Event::Html(
                        heading_html(level, id, &inner, &mut out).into(),
                    ));
                }
            } else {
                inner.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                if level == HeadingLevel::H1 {
                    out.problems.push(Problem::TitleHeadingInBody { line });
                }
                heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let name = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                if name.is_empty() {
                    out.problems
                        .push(Problem::CodeBlockWithoutLanguage { line });
                } else if !is_supported(&name) {
                    out.problems.push(Problem::UnknownCodeLanguage {
                        line,
                        lang: name.clone(),
                    });
                }
                code = Some((name, String::new(), line));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), String::new(), line));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = match chapter_link(&dest_url) {
                    Some((chapter, anchor)) => {
                        let url = match &anchor {
                            Some(a) => format!("/{}/learn/{chapter}#{a}", lang.code()),
                            None => format!("/{}/learn/{chapter}", lang.code()),
                        };
                        out.links.push(ChapterLink {
                            chapter,
                            anchor,
                            line,
                        });
                        CowStr::from(url)
                    }
                    None => dest_url,
                };
                let external = dest.starts_with("http://") || dest.starts_with("https://");
                if external && link_type != LinkType::Email {
                    let mut html = String::from("<a href=\"");
                    escape_html(&dest, &mut html);
                    html.push('"');
                    if !title.is_empty() {
                        html.push_str(" title=\"");
                        escape_html(&title, &mut html);
                        html.push('"');
                    }
                    html.push_str(" rel=\"noopener noreferrer\" target=\"_blank\">");
                    events.push(Event::Html(html.into()));
                    events.push(Event::Html("<!--ext-->".into()));
                } else {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                // An external link was opened as raw HTML; close it the same way.
                let opened_raw = events
                    .iter()
                    .rev()
                    .find_map(|e| match e {
                        Event::Html(h) if h.as_ref() == "<!--ext-->" => Some(true),
                        Event::Start(Tag::Link { .. }) => Some(false),
                        _ => None,
                    })
                    .unwrap_or(false);
                if opened_raw {
                    if let Some(pos) = events
                        .iter()
                        .rposition(|e| matches!(e, Event::Html(h) if h.as_ref() == "<!--ext-->"))
                    {
                        events.remove(pos);
                    }
                    events.push(Event::Html("</a>".into()));
                } else {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, msg) = match kind {
                    BlockQuoteKind::Tip => ("tip", Msg::Tip),
                    BlockQuoteKind::Warning => ("warning", Msg::Warning),
                    BlockQuoteKind::Caution => ("pitfall", Msg::Pitfall),
                    BlockQuoteKind::Important => ("important", Msg::Important),
                    BlockQuoteKind::Note => ("note", Msg::Note),
                };
                events.push(Event::Html(
                    format!(
                        "<aside class=\"admonition {class}\" role=\"note\"><p class=\"admonition-title\">{}</p>",
                        t(lang, msg)
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html("</aside>".into()));
            }
            Event::Start(Tag::Table(align)) => {
                events.push(Event::Html("<div class=\"table-wrap\">".into()));
                events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>".into()));
            }
            // Raw HTML is not part of our content format: show it as text rather than trust it.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            other => events.push(other),
        }
    }

    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

fn heading_html(
    level: HeadingLevel,
    explicit_id: Option<String>,
    inner: &[Event],
    out: &mut Rendered,
) -> String {
    let text: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let base = explicit_id.unwrap_or_else(|| slugify(&text));
    let mut anchor = base.clone();
    let mut n = 2;
    while out.anchors.contains(&anchor) {
        anchor = format!("{base}-{n}");
        n += 1;
    }
    out.anchors.insert(anchor.clone());
    let level_num = level as u8;
    if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
        out.toc.push(TocEntry {
            level: level_num,
            anchor: anchor.clone(),
            title: text.clone(),
        });
    }
    let mut inner_html = String::new();
    pulldown_cmark::html::push_html(&mut inner_html, inner.iter().cloned());
    let mut esc_anchor = String::new();
    escape_html(&anchor, &mut esc_anchor);
    format!(
        "<h{level_num} id=\"{esc_anchor}\"><a class=\"anchor\" href=\"#{esc_anchor}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>{inner_html}</h{level_num}>\n"
    )
}

fn code_block(lang_name: &str, code: &str, lang: Lang) -> String {
    let mut copy = String::new();
    escape_html(&copy_text(lang_name, code), &mut copy);
    let mut name = String::new();
    escape_html(lang_name, &mut name);
    let body = highlight(lang_name, code.strip_suffix('\n').unwrap_or(code));
    // Hidden until the page's terminal loader shows it (only where learners have a terminal).
    let run = run_text(lang_name, code)
        .map(|text| {
            let mut esc = String::new();
            escape_html(&text, &mut esc);
            format!(
                "<button type=\"button\" class=\"run-btn\" data-run=\"{esc}\" hidden>{}</button>",
                tt(lang, T::Run)
            )
        })
        .unwrap_or_default();
    format!(
        concat!(
            "<div class=\"code-block\" data-lang=\"{name}\">",
            "<div class=\"code-head\"><span class=\"code-lang\">{name}</span>{run}",
            "<button type=\"button\" class=\"copy-btn\" data-copy=\"{copy}\" data-done=\"{done}\" data-failed=\"{failed}\">{label}</button></div>",
            "<pre tabindex=\"0\"><code class=\"language-{name}\">{body}</code></pre></div>\n"
        ),
        name = name,
        run = run,
        copy = copy,
        done = t(lang, Msg::Copied),
        failed = t(lang, Msg::CopyFailed),
        label = t(lang, Msg::Copy),
        body = body,
    )
}

fn figure(
    src: &str,
    alt: &str,
    line: usize,
    lang: Lang,
    diagrams: &Diagrams,
    problems: &mut Vec<Problem>,
) -> String {
    let mut esc_alt = String::new();
    escape_html(alt, &mut esc_alt);
    if let Some(name) = diagram_name(src) {
        return match diagrams.get(name, lang) {
            Some(svg) => format!(
                "<figure class=\"diagram\" aria-label=\"{esc_alt}\">{svg}<figcaption>{esc_alt}</figcaption></figure>\n"
            ),
            None => {
                problems.push(Problem::MissingDiagram {
                    line,
                    name: name.to_string(),
                });
                format!("<p class=\"missing-diagram\">[{esc_alt}]</p>")
            }
        };
    }
    if !(src.starts_with("http://") || src.starts_with("https://")) {
        problems.push(Problem::LocalImageNotADiagram {
            line,
            src: src.to_string(),
        });
    }
    let mut esc_src = String::new();
    escape_html(src, &mut esc_src);
    format!("<img src=\"{esc_src}\" alt=\"{esc_alt}\" loading=\"lazy\">")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(md: &str) -> Rendered {
        render(md, Lang::En, &Diagrams::default())
    }

    #[test]
    fn headings_get_unique_anchors_and_fill_the_toc() {
        let out = r("## Why labels?\n\ntext\n\n### Why labels?\n\n## 选择器 与 标签\n");
        assert!(
            out.html
                .contains(r##"<h2 id="why-labels"><a class="anchor" href="#why-labels""##),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"<h3 id="why-labels-2">"#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"<h2 id="选择器-与-标签">"#),
            "{}",
            out.html
        );
        let toc: Vec<_> = out
            .toc
            .iter()
            .map(|e| (e.level, e.anchor.as_str()))
            .collect();
        assert_eq!(
            toc,
            vec![
                (2, "why-labels"),
                (3, "why-labels-2"),
                (2, "选择器-与-标签")
            ]
        );
    }

    #[test]
    fn explicit_heading_ids_win() {
        let out = r("## The selector {#selectors}\n");
        assert!(out.html.contains(r#"<h2 id="selectors">"#), "{}", out.html);
        assert_eq!(out.toc[0].title, "The selector");
    }

    #[test]
    fn code_blocks_are_highlighted_and_get_a_copy_button() {
        let out = r("```yaml\nreplicas: 2\n```\n");
        assert!(
            out.html
                .contains(r#"<div class="code-block" data-lang="yaml">"#),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains(r#"<button type="button" class="copy-btn" data-copy="replicas: 2""#),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains(r#"<span class="tok-key">replicas</span>"#),
            "{}",
            out.html
        );
        assert!(out.problems.is_empty());
    }

    #[test]
    fn console_copy_button_carries_only_the_commands() {
        let out = r("```console\n$ kubectl get pod\nNAME   READY\n```\n");
        assert!(
            out.html.contains(r#"data-copy="kubectl get pod""#),
            "{}",
            out.html
        );
    }

    #[test]
    fn a_block_the_toolbox_can_run_gets_a_hidden_run_button_and_docker_does_not() {
        let out = r("```console\n$ kubectl get pod\nNAME   READY\n```\n");
        assert!(
            out.html.contains(
                r#"<button type="button" class="run-btn" data-run="kubectl get pod" hidden>"#
            ),
            "{}",
            out.html
        );
        let out = r("```console\n$ docker ps\n```\n");
        assert!(!out.html.contains("run-btn"), "{}", out.html);
    }

    #[test]
    fn code_is_escaped_in_the_copy_attribute_and_the_body() {
        let out = r("```bash\necho \"<b>\" > /tmp/x && echo 'ok'\n```\n");
        assert!(!out.html.contains("<b>"), "{}", out.html);
        assert!(
            out.html.contains(
                "data-copy=\"echo &quot;&lt;b&gt;&quot; &gt; /tmp/x &amp;&amp; echo &#39;ok&#39;\""
            ),
            "{}",
            out.html
        );
    }

    #[test]
    fn code_block_without_language_is_reported_with_its_line() {
        let out = r("para\n\n```\nplain\n```\n\n```cobol\nX\n```\n");
        assert_eq!(
            out.problems,
            vec![
                Problem::CodeBlockWithoutLanguage { line: 3 },
                Problem::UnknownCodeLanguage {
                    line: 7,
                    lang: "cobol".into()
                }
            ]
        );
    }

    #[test]
    fn admonitions_become_labelled_asides() {
        let out = render(
            "> [!PITFALL]\n> Selector copies the name.\n",
            Lang::Zh,
            &Diagrams::default(),
        );
        assert!(out.html.contains(r#"<aside class="admonition pitfall" role="note"><p class="admonition-title">常见陷阱</p>"#), "{}", out.html);
        assert!(out.html.contains("Selector copies the name."));
        assert!(out.html.contains("</aside>"));
        let out = r("> [!TIP]\n> Use -l.\n\n> plain quote\n");
        assert!(out.html.contains(r#"class="admonition tip""#));
        assert!(out.html.contains("<blockquote>"), "{}", out.html);
    }

    #[test]
    fn chapter_links_are_rewritten_per_language_and_recorded() {
        let out = render(
            "See [Service](service.md#dns) and [YAML](./yaml-api-objects.md).\n",
            Lang::Zh,
            &Diagrams::default(),
        );
        assert!(
            out.html.contains(r##"href="/zh/learn/service#dns""##),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"href="/zh/learn/yaml-api-objects""#),
            "{}",
            out.html
        );
        assert_eq!(
            out.links[0],
            ChapterLink {
                chapter: "service".into(),
                anchor: Some("dns".into()),
                line: 1
            }
        );
        assert_eq!(out.links[1].chapter, "yaml-api-objects");
    }

    #[test]
    fn external_links_open_safely_in_a_new_tab() {
        let out = r("[k8s](https://kubernetes.io/docs/) and [local](#x)\n");
        assert!(out.html.contains(r#"<a href="https://kubernetes.io/docs/" rel="noopener noreferrer" target="_blank">k8s</a>"#), "{}", out.html);
        assert!(
            out.html.contains(r##"<a href="#x">local</a>"##),
            "{}",
            out.html
        );
        assert!(!out.html.contains("<!--ext-->"));
    }

    #[test]
    fn diagrams_are_inlined_in_the_page_language() {
        let mut d = Diagrams::default();
        d.files.insert("flow.zh".into(), "<svg>zh</svg>".into());
        d.files.insert("flow.en".into(), "<svg>en</svg>".into());
        let out = render("![Flow](diagrams/flow.svg)\n", Lang::En, &d);
        assert!(out.html.contains(r#"<figure class="diagram" aria-label="Flow"><svg>en</svg><figcaption>Flow</figcaption></figure>"#), "{}", out.html);
        let out = render("![x](diagrams/nope.svg)\n", Lang::En, &d);
        assert_eq!(
            out.problems,
            vec![Problem::MissingDiagram {
                line: 1,
                name: "nope".into()
            }]
        );
    }

    #[test]
    fn raw_html_in_markdown_is_shown_as_text() {
        let out = r("Hello <script>alert(1)</script>\n\n<div onclick=x>hi</div>\n");
        assert!(!out.html.contains("<script>"), "{}", out.html);
        assert!(!out.html.contains("<div onclick"), "{}", out.html);
        assert!(out.html.contains("&lt;script&gt;"), "{}", out.html);
    }

    #[test]
    fn tables_are_wrapped_for_horizontal_scrolling() {
        let out = r("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            out.html.contains(r#"<div class="table-wrap"><table>"#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("</table>\n</div>") || out.html.contains("</table></div>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn a_body_h1_is_reported_because_the_title_comes_from_front_matter() {
        let out = r("# Title\n");
        assert_eq!(out.problems, vec![Problem::TitleHeadingInBody { line: 1 }]);
    }
}
