//! Server-side syntax highlighting for the languages the course uses. Small hand-written lexers:
//! no JavaScript highlighter on the page, no grammar files to load at start, and output that is
//! easy to test. Every byte of the input ends up in the output, HTML-escaped.

/// The token classes we emit; the stylesheet colours `.tok-*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Comment,
    String,
    Keyword,
    Number,
    Key,
    Var,
    Flag,
    Prompt,
    Output,
}

impl Tok {
    fn class(self) -> &'static str {
        match self {
            Tok::Comment => "tok-comment",
            Tok::String => "tok-string",
            Tok::Keyword => "tok-keyword",
            Tok::Number => "tok-number",
            Tok::Key => "tok-key",
            Tok::Var => "tok-var",
            Tok::Flag => "tok-flag",
            Tok::Prompt => "tok-prompt",
            Tok::Output => "tok-output",
        }
    }
}

pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

struct Out {
    html: String,
}

impl Out {
    fn plain(&mut self, text: &str) {
        escape_html(text, &mut self.html);
    }
    fn tok(&mut self, tok: Tok, text: &str) {
        if text.is_empty() {
            return;
        }
        self.html.push_str("<span class=\"");
        self.html.push_str(tok.class());
        self.html.push_str("\">");
        escape_html(text, &mut self.html);
        self.html.push_str("</span>");
    }
}

/// Which language names we highlight; anything else is shown as plain, escaped text.
pub fn is_supported(lang: &str) -> bool {
    matches!(
        canonical(lang),
        "bash" | "console" | "yaml" | "dockerfile" | "json" | "go" | "text"
    )
}

fn canonical(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "zsh" => "bash",
        "yml" => "yaml",
        "Dockerfile" | "docker" => "dockerfile",
        "golang" => "go",
        "plain" | "txt" | "" => "text",
        other => other,
    }
}

/// Highlights `code` as `lang` and returns HTML for the inside of a `<code>` element.
pub fn highlight(lang: &str, code: &str) -> String {
    let mut out = Out {
        html: String::with_capacity(code.len() * 2),
    };
    match canonical(lang) {
        "bash" => bash(code, &mut out),
        "console" => console(code, &mut out),
        "yaml" => yaml(code, &mut out),
        "dockerfile" => dockerfile(code, &mut out),
        "json" => json(code, &mut out),
        "go" => go(code, &mut out),
        _ => out.plain(code),
    }
    out.html
}

/// The text the copy button puts on the clipboard: for a console session only the commands.
pub fn copy_text(lang: &str, code: &str) -> String {
    if canonical(lang) != "console" {
        return code.trim_end_matches('\n').to_string();
    }
    let mut cmds = Vec::new();
    let mut continuing = false;
    for line in code.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            cmds.push(cmd.to_string());
            continuing = cmd.ends_with('\\');
        } else if continuing {
            cmds.push(line.to_string());
            continuing = line.ends_with('\\');
        }
    }
    cmds.join("\n")
}

/// Splits `s` after its first `n` bytes, on a char boundary at or after `n`.
fn split_at_char(s: &str, n: usize) -> (&str, &str) {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n += 1;
    }
    s.split_at(n)
}

/// Length of a quoted string starting at `s[0]` (the quote), honouring backslash escapes
/// where `escapes` is set; an unterminated string runs to the end of the line.
fn quoted_len(s: &str, escapes: bool) -> usize {
    let bytes = s.as_bytes();
    let quote = bytes[0];
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn word_len(s: &str, extra: &[u8]) -> usize {
    s.bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || extra.contains(b))
        .count()
}

fn is_number(word: &str) -> bool {
    !word.is_empty()
        && word.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && word
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
}

const BASH_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case",
    "esac", "function", "return", "export", "local", "sudo",
];

/// One line (or a run of lines) of shell. `at_command_start` marks the first word of a command,
/// which we show as a keyword-ish command name.
fn bash(code: &str, out: &mut Out) {
    let mut rest = code;
    let mut command_start = true;
    while !rest.is_empty() {
        let c = rest.as_bytes()[0];
        let n = match c {
            b'#' if command_start || rest_prev_is_space(code, rest) => {
                let n = rest.find('\n').unwrap_or(rest.len());
                out.tok(Tok::Comment, &rest[..n]);
                n
            }
            b'"' | b'\'' => {
                let n = quoted_len(rest, c == b'"');
                out.tok(Tok::String, &rest[..n]);
                command_start = false;
                n
            }
            b'$' => {
                let n = if rest[1..].starts_with('{') {
                    rest.find('}').map(|i| i + 1).unwrap_or(rest.len())
                } else if rest[1..].starts_with('(') {
                    2
                } else {
                    1 + word_len(&rest[1..], &[])
                };
                if n > 1 {
                    out.tok(Tok::Var, &rest[..n]);
                } else {
                    out.plain("$");
                }
                command_start = rest[1..].starts_with('(');
                n.max(1)
            }
            b'\n' | b';' | b'|' | b'&' | b'(' => {
                out.plain(&rest[..1]);
                // A backslash-newline continues the same command.
                command_start = !(c == b'\n' && code[..code.len() - rest.len()].ends_with('\\'));
                1
            }
            b' ' | b'\t' => {
                let n = rest
                    .bytes()
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count();
                out.plain(&rest[..n]);
                n
            }
            b'-' if rest_prev_is_space(code, rest) => {
                let n = 1 + word_len(&rest[1..], b"-.");
                out.tok(Tok::Flag, &rest[..n]);
                command_start = false;
                n
            }
            _ => {
                let n = word_len(rest, b"-./:=,@%+").max(1);
                let (word, _) = split_at_char(rest, n);
                if command_start && !word.contains('=') || BASH_KEYWORDS.contains(&word) {
                    out.tok(Tok::Keyword, word);
                } else if is_number(word) {
                    out.tok(Tok::Number, word);
                } else {
                    out.plain(word);
                }
                // `VAR=value cmd`: the command is still to come.
                command_start = command_start && word.contains('=');
                word.len()
            }
        };
        rest = &rest[n.min(rest.len())..];
    }
}

fn rest_prev_is_space(code: &str, rest: &str) -> bool {
    let done = &code[..code.len() - rest.len()];
    done.is_empty() || done.ends_with([' ', '\t', '\n', '='])
}

/// A shell session: `$ ` lines are commands, everything else is what the terminal printed.
fn console(code: &str, out: &mut Out) {
    let mut continuing = false;
    for line in code.split_inclusive('\n') {
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.tok(Tok::Prompt, "$ ");
            bash(cmd, out);
            continuing = cmd.trim_end().ends_with('\\');
        } else if continuing {
            bash(line, out);
            continuing = line.trim_end().ends_with('\\');
        } else {
            let body = line.trim_end_matches('\n');
            out.tok(Tok::Output, body);
            out.plain(&line[body.len()..]);
        }
    }
}

fn yaml(code: &str, out: &mut Out) {
    for line in code.split_inclusive('\n') {
        yaml_line(line, out);
    }
}

fn yaml_line(line: &str, out: &mut Out) {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    out.plain(&line[..indent]);
    let mut rest = &line[indent..];
    if rest.starts_with('#') {
        out.tok(Tok::Comment, rest.trim_end_matches('\n'));
        out.plain(&rest[rest.trim_end_matches('\n').len()..]);
        return;
    }
    if rest.starts_with("---") || rest.starts_with("...") {
        out.tok(Tok::Keyword, rest.trim_end_matches('\n'));
        out.plain(&rest[rest.trim_end_matches('\n').len()..]);
        return;
    }
    while let Some(after) = rest.strip_prefix("- ") {
        out.plain("- ");
        rest = after;
    }
    // `key:` at the start of the (list item) line.
    if let Some(colon) = yaml_key_end(rest) {
        out.tok(Tok::Key, &rest[..colon]);
        out.plain(":");
        rest = &rest[colon + 1..];
    }
    yaml_value(rest, out);
}

fn yaml_key_end(s: &str) -> Option<usize> {
    let first = s.chars().next()?;
    if first == '"' || first == '\'' {
        let n = quoted_len(s, first == '"');
        return s[n..].starts_with(':').then_some(n);
    }
    let colon = s.find(':')?;
    let key = &s[..colon];
    let after = &s[colon + 1..];
    let ok_key = !key.is_empty() && !key.contains([' ', '#', '{', '[', ',']) || key.contains('/');
    (ok_key
        && (after.is_empty() || after.starts_with([' ', '\n', '\t']))
        && !key.contains(['#', '{']))
    .then_some(colon)
}

fn yaml_value(rest: &str, out: &mut Out) {
    let (body, nl) = match rest.strip_suffix('\n') {
        Some(b) => (b, "\n"),
        None => (rest, ""),
    };
    // A trailing comment: ` #` outside quotes.
    let (value, comment) = split_comment(body);
    let lead = value.len() - value.trim_start().len();
    out.plain(&value[..lead]);
    let v = value[lead..].trim_end();
    let trail = &value[lead + v.len()..];
    if v.is_empty() {
    } else if v.starts_with(['"', '\'']) {
        out.tok(Tok::String, v);
    } else if matches!(v, "true" | "false" | "null" | "~" | "yes" | "no") {
        out.tok(Tok::Keyword, v);
    } else if is_number(v) || v.strip_prefix('-').is_some_and(is_number) {
        out.tok(Tok::Number, v);
    } else if v == "|" || v == ">" || v == "|-" || v == ">-" {
        out.tok(Tok::Keyword, v);
    } else {
        out.tok(Tok::String, v);
    }
    out.plain(trail);
    out.tok(Tok::Comment, comment);
    out.plain(nl);
}

/// Splits `s` at a ` #` that starts a comment outside quotes.
fn split_comment(s: &str) -> (&str, &str) {
    let bytes = s.as_bytes();
    let mut quote = None;
    for (i, b) in bytes.iter().enumerate() {
        match (quote, *b) {
            (None, b'"') | (None, b'\'') => quote = Some(*b),
            (Some(q), b2) if b2 == q => quote = None,
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' => {
                return (&s[..i], &s[i..]);
            }
            _ => {}
        }
    }
    (s, "")
}

/// One list of instructions for the parser and the highlighter.
use kubelab_checks::dockerfile::INSTRUCTIONS as DOCKERFILE_INSTRUCTIONS;

fn dockerfile(code: &str, out: &mut Out) {
    let mut continuing = false;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if trimmed.starts_with('#') {
            out.plain(indent);
            let body = trimmed.trim_end_matches('\n');
            out.tok(Tok::Comment, body);
            out.plain(&trimmed[body.len()..]);
            continue;
        }
        let word_end = word_len(trimmed, &[]);
        let word = &trimmed[..word_end];
        if !continuing && DOCKERFILE_INSTRUCTIONS.contains(&word.to_ascii_uppercase().as_str()) {
            out.plain(indent);
            out.tok(Tok::Keyword, word);
            let rest = &trimmed[word_end..];
            if word.eq_ignore_ascii_case("RUN") || word.eq_ignore_ascii_case("CMD") {
                bash(rest, out);
            } else {
                dockerfile_args(rest, out);
            }
        } else {
            bash(line, out);
        }
        continuing = line.trim_end().ends_with('\\');
    }
}

fn dockerfile_args(rest: &str, out: &mut Out) {
    let mut s = rest;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        let n = match c {
            b'"' | b'\'' => {
                let n = quoted_len(s, true);
                out.tok(Tok::String, &s[..n]);
                n
            }
            b'$' => {
                let n = if s[1..].starts_with('{') {
                    s.find('}').map(|i| i + 1).unwrap_or(s.len())
                } else {
                    1 + word_len(&s[1..], &[])
                };
                out.tok(Tok::Var, &s[..n]);
                n
            }
            b'-' if s[1..].starts_with('-') => {
                let n = word_len(s, b"-=");
                out.tok(Tok::Flag, &s[..n]);
                n
            }
            _ => {
                let n = word_len(s, &[]).max(1);
                let (word, _) = split_at_char(s, n);
                if word == "AS" || word == "as" {
                    out.tok(Tok::Keyword, word);
                } else if is_number(word) {
                    out.tok(Tok::Number, word);
                } else {
                    out.plain(word);
                }
                word.len()
            }
        };
        s = &s[n.min(s.len())..];
    }
}

fn json(code: &str, out: &mut Out) {
    let mut s = code;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        let n = match c {
            b'"' => {
                let n = quoted_len(s, true);
                let is_key = s[n..].trim_start().starts_with(':');
                out.tok(if is_key { Tok::Key } else { Tok::String }, &s[..n]);
                n
            }
            b'-' | b'0'..=b'9' => {
                let n = s
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || b"-+.eE".contains(b))
                    .count();
                out.tok(Tok::Number, &s[..n]);
                n
            }
            b't' | b'f' | b'n' => {
                let n = word_len(s, &[]).max(1);
                let word = &s[..n];
                if matches!(word, "true" | "false" | "null") {
                    out.tok(Tok::Keyword, word);
                } else {
                    out.plain(word);
                }
                n
            }
            _ => {
                let (first, _) = split_at_char(s, 1);
                out.plain(first);
                first.len()
            }
        };
        s = &s[n..];
    }
}

const GO_KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
    "nil",
    "true",
    "false",
];

fn go(code: &str, out: &mut Out) {
    let mut s = code;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        let n = if s.starts_with("//") {
            let n = s.find('\n').unwrap_or(s.len());
            out.tok(Tok::Comment, &s[..n]);
            n
        } else if s.starts_with("/*") {
            let n = s.find("*/").map(|i| i + 2).unwrap_or(s.len());
            out.tok(Tok::Comment, &s[..n]);
            n
        } else if c == b'"' || c == b'\'' {
            let n = quoted_len(s, true);
            out.tok(Tok::String, &s[..n]);
            n
        } else if c == b'`' {
            let n = s[1..].find('`').map(|i| i + 2).unwrap_or(s.len());
            out.tok(Tok::String, &s[..n]);
            n
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let n = word_len(s, &[]);
            let word = &s[..n];
            if GO_KEYWORDS.contains(&word) {
                out.tok(Tok::Keyword, word);
            } else if is_number(word) {
                out.tok(Tok::Number, word);
            } else {
                out.plain(word);
            }
            n
        } else {
            let (first, _) = split_at_char(s, 1);
            out.plain(first);
            first.len()
        };
        s = &s[n..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strips the markup again: whatever the lexer did, the text must survive unchanged.
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn every_language_round_trips_its_text_exactly() {
        let samples = [
            ("bash", "docker build -f Dockerfile -t ngx-app:1.0 .  # build\necho \"$HOME\" ${X} 'a b'\n"),
            ("console", "$ kubectl get pod\nNAME      READY\nngx-pod   1/1\n$ echo \\\n  done\n"),
            ("yaml", "apiVersion: v1\nkind: Pod   # a pod\nmetadata:\n  labels: {app: x}\n  - name: \"ngx\"\nspec: |\n  text\n"),
            ("dockerfile", "# base\nARG IMAGE_BASE=\"nginx\"\nFROM ${IMAGE_BASE}:1.21-alpine AS web\nRUN apt-get update \\\n    && apt-get install -y curl\nEXPOSE 80\n"),
            ("json", "{\"a\": [1, -2.5e3, true, null], \"b\": \"x\\\"y\"}"),
            ("go", "package main\n// hi\nfunc main() { s := `raw`; x := 42 /* c */ }\n"),
            ("text", "<b>not html</b> & more"),
            ("unknown", "x < y"),
            ("bash", "unterminated \"string\nécho 中文 $"),
            ("yaml", "key: 'unterminated\n- - nested: 1\n\"quoted key\": v\n"),
        ];
        for (lang, code) in samples {
            assert_eq!(text_of(&highlight(lang, code)), code, "lang {lang}");
        }
    }

    #[test]
    fn html_in_code_is_escaped_never_passed_through() {
        let html = highlight("text", "<script>alert('x')</script>");
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        let html = highlight("yaml", "a: \"<img onerror=x>\"");
        assert!(!html.contains("<img"));
    }

    #[test]
    fn yaml_keys_values_and_comments_get_their_classes() {
        let html = highlight(
            "yaml",
            "  replicas: 2   # two pods\n  image: nginx:alpine\n",
        );
        assert!(
            html.contains(r#"<span class="tok-key">replicas</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-number">2</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-comment"># two pods</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-key">image</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-string">nginx:alpine</span>"#),
            "{html}"
        );
    }

    #[test]
    fn dockerfile_instructions_are_keywords_and_run_is_shell() {
        let html = highlight(
            "dockerfile",
            "FROM nginx:1.21-alpine\nRUN apk add --no-cache curl\n",
        );
        assert!(
            html.contains(r#"<span class="tok-keyword">FROM</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-keyword">RUN</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-flag">--no-cache</span>"#),
            "{html}"
        );
    }

    #[test]
    fn bash_marks_commands_flags_variables_and_comments() {
        let html = highlight("bash", "kubectl get pod -l app=ngx $NS # list\n");
        assert!(
            html.contains(r#"<span class="tok-keyword">kubectl</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-flag">-l</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-var">$NS</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-comment"># list</span>"#),
            "{html}"
        );
        // A `#` inside a word is not a comment.
        let html = highlight("bash", "echo a#b\n");
        assert!(!html.contains("tok-comment"), "{html}");
    }

    #[test]
    fn console_separates_prompt_commands_and_output() {
        let html = highlight("console", "$ kubectl get deploy\nNAME      READY\n");
        assert!(
            html.starts_with(r#"<span class="tok-prompt">$ </span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-output">NAME      READY</span>"#),
            "{html}"
        );
    }

    #[test]
    fn json_keys_differ_from_string_values() {
        let html = highlight("json", r#"{"kind": "Pod"}"#);
        assert!(
            html.contains(r#"<span class="tok-key">&quot;kind&quot;</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-string">&quot;Pod&quot;</span>"#),
            "{html}"
        );
    }

    #[test]
    fn go_keywords_strings_and_comments() {
        let html = highlight("go", "func main() { fmt.Println(\"hi\") } // done");
        assert!(
            html.contains(r#"<span class="tok-keyword">func</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-string">&quot;hi&quot;</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-comment">// done</span>"#),
            "{html}"
        );
    }

    #[test]
    fn console_copy_text_keeps_only_commands_and_their_continuations() {
        let code = "$ kubectl apply -f a.yml \\\n    --dry-run=server\ndeployment.apps/ngx-dep created\n$ kubectl get pod\nNAME\n";
        assert_eq!(
            copy_text("console", code),
            "kubectl apply -f a.yml \\\n    --dry-run=server\nkubectl get pod"
        );
        assert_eq!(copy_text("bash", "echo hi\n"), "echo hi");
    }
}
