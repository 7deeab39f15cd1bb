//! A lesson's rendered HTML → its sections as plain text, for the search index.
//!
//! Why from the HTML and not the markdown: the `id` of every `<h2>`/`<h3>` is exactly the anchor
//! the renderer chose (slug, explicit `{#id}`, `-2` for a repeat), so a search hit links to the
//! right place by construction; and code is already plain text between highlighting spans. The
//! HTML is ours (markdown's raw HTML is escaped by the renderer), so a small scanner suffices.

/// One searchable piece of a lesson: the text from one h2/h3 heading to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading's `id`; `None` for the text before the first heading (the chapter's top).
    pub anchor: Option<String>,
    pub heading: String,
    /// Plain text: tags dropped, entities decoded, whitespace collapsed; code included.
    pub text: String,
}

/// Elements whose text is page furniture, not lesson text: the copy button and language label of
/// a code block, an admonition's "Tip" label, a heading's `#` link, and inline SVG diagrams
/// (their caption is kept).
fn skipped(tag: &str, attrs: &str) -> bool {
    matches!(tag, "button" | "svg" | "script" | "style")
        || (tag == "div" && attrs.contains("class=\"code-head\""))
        || (tag == "p" && attrs.contains("class=\"admonition-title\""))
        || (tag == "a" && attrs.contains("class=\"anchor\""))
}

/// Tags that end a word: text on either side must not run together ("</p><p>", "<td>").
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "pre"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "blockquote"
            | "aside"
            | "figure"
            | "figcaption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "dt"
            | "dd"
    )
}

fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let start = attrs.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = attrs[start..].find('"')?;
    Some(&attrs[start..start + len])
}

/// `&lt;` → `<`, `&#39;` → `'`, `&#x4e2d;` → `中`; anything unknown stays as written.
fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where text goes while scanning: a heading being read, or the current section's body.
struct Builder {
    sections: Vec<Section>,
    /// (anchor, heading text so far, closing tag) while inside an h2/h3.
    heading: Option<(String, String, String)>,
    anchor: Option<String>,
    title: String,
    body: String,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        match &mut self.heading {
            Some((_, heading, _)) => decode_into(text, heading),
            None => decode_into(text, &mut self.body),
        }
    }

    fn finish_section(&mut self) {
        let text = collapse_whitespace(&self.body);
        self.body.clear();
        // The chapter's top without text of its own is no hit worth showing.
        if self.anchor.is_some() || !text.is_empty() {
            self.sections.push(Section {
                anchor: self.anchor.take(),
                heading: std::mem::take(&mut self.title),
                text,
            });
        }
    }
}

/// Splits `html` at its h2 and h3 headings. `title` names the section before the first heading.
pub fn split(title: &str, html: &str) -> Vec<Section> {
    let mut b = Builder {
        sections: Vec::new(),
        heading: None,
        anchor: None,
        title: title.to_string(),
        body: String::new(),
    };
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        b.push_text(&rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else {
            // A stray `<` (our renderer escapes them; be safe anyway): the rest is text.
            b.push_text(rest);
            rest = "";
            break;
        };
        let inside = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = inside.starts_with('/');
        let inside = inside.trim_start_matches('/');
        let name_len = inside
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inside.len());
        let tag = inside[..name_len].to_ascii_lowercase();
        let attrs = &inside[name_len..];
        if closing {
            if b.heading.as_ref().is_some_and(|(_, _, end)| *end == tag) {
                if let Some((anchor, heading, _)) = b.heading.take() {
                    b.anchor = Some(anchor);
                    b.title = collapse_whitespace(&heading);
                }
            } else if is_block(&tag) {
                b.push_text(" ");
            }
            continue;
        }
        if skipped(&tag, attrs) && !inside.ends_with('/') {
            // Skip to this element's end tag (none of these nest in our HTML).
            let end = format!("</{tag}>");
            match rest.find(&end) {
                Some(at) => rest = &rest[at + end.len()..],
                None => rest = "",
            }
            continue;
        }
        if matches!(tag.as_str(), "h2" | "h3") && b.heading.is_none() {
            if let Some(id) = attr(attrs, "id") {
                b.finish_section();
                let mut anchor = String::new();
                decode_into(id, &mut anchor);
                b.heading = Some((anchor, String::new(), tag));
                continue;
            }
        }
        if is_block(&tag) {
            b.push_text(" ");
        }
    }
    b.push_text(rest);
    if let Some((anchor, heading, _)) = b.heading.take() {
        b.anchor = Some(anchor);
        b.title = collapse_whitespace(&heading);
    }
    b.finish_section();
    b.sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::render::{render, Diagrams};
    use crate::model::Lang;

    #[test]
    fn sections_follow_the_rendered_anchors_and_keep_code_text() {
        let md = "Intro text.\n\n## Why labels?\n\nSome **bold** text and `kubectl`.\n\n```bash\nkubectl create --dry-run=client -o yaml\n```\n\n#### Deeper\n\nStill here.\n\n## Why labels?\n\n> [!TIP]\n> Use <b>-l</b> & co.\n";
        let html = render(md, Lang::En, &Diagrams::default()).html;
        let got = split("Labels", &html);
        assert_eq!(
            got,
            vec![
                Section {
                    anchor: None,
                    heading: "Labels".into(),
                    text: "Intro text.".into()
                },
                Section {
                    anchor: Some("why-labels".into()),
                    heading: "Why labels?".into(),
                    text: "Some bold text and kubectl. kubectl create --dry-run=client -o yaml Deeper Still here.".into()
                },
                Section {
                    anchor: Some("why-labels-2".into()),
                    heading: "Why labels?".into(),
                    text: "Use <b>-l</b> & co.".into()
                },
            ],
            "{html}"
        );
    }

    #[test]
    fn diagrams_and_buttons_are_not_text_but_captions_are() {
        let mut d = Diagrams::default();
        d.files.insert(
            "flow".into(),
            "<svg viewBox=\"0 0 1 1\"><text>Node</text></svg>".into(),
        );
        let html = render("## A\n\n![The flow](diagrams/flow.svg)\n", Lang::Zh, &d).html;
        let got = split("T", &html);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, "The flow");
    }

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        let mut out = String::new();
        decode_into("a &lt;b&gt; &#39;c&#x27; &#20013; &bogus; & done", &mut out);
        assert_eq!(out, "a <b> 'c' 中 &bogus; & done");
    }
}
