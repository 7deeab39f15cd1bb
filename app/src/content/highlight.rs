//! Server-side syntax highlighting with syntect and the grammars two-face packs (the ones `bat`
//! uses): maintained Sublime Text grammars instead of our own lexers, still rendered once on the
//! server, so pages ship no highlighter. Their scopes map to our few `.tok-*` classes, which the
//! stylesheet colours for light and dark. Every byte of the input ends up in the output,
//! HTML-escaped; anything the grammars cannot take, or that is too large, is shown plain.

use std::sync::LazyLock;

use syntect::easy::ScopeRangeIterator;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Bigger blocks, or blocks with longer lines, are shown plain: highlighting is regex work per
/// line, and no lesson needs more.
const MAX_BLOCK_BYTES: usize = 64 * 1024;
const MAX_LINE_BYTES: usize = 4 * 1024;

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
    Inserted,
    Deleted,
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
            Tok::Inserted => "tok-inserted",
            Tok::Deleted => "tok-deleted",
        }
    }
}

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// Scope prefixes to classes, first match wins (over the whole scope stack, so a JSON key's
/// quotes are a key and `$HOME` inside a string is a variable). `None` keeps text plain.
static RULES: LazyLock<Vec<(Scope, Option<Tok>)>> = LazyLock::new(|| {
    [
        ("comment", Some(Tok::Comment)),
        ("entity.name.tag.yaml", Some(Tok::Key)),
        ("meta.mapping.key", Some(Tok::Key)),
        ("keyword.name.ini", Some(Tok::Key)),
        ("variable.parameter.option", Some(Tok::Flag)),
        ("meta.group.expansion.parameter", Some(Tok::Var)),
        ("variable.other.readwrite.shell", Some(Tok::Var)),
        ("markup.inserted", Some(Tok::Inserted)),
        ("markup.deleted", Some(Tok::Deleted)),
        ("string", Some(Tok::String)),
        ("constant.numeric", Some(Tok::Number)),
        ("constant.language", Some(Tok::Keyword)),
        // The Dockerfile grammar calls CMD and ENTRYPOINT operators.
        ("keyword.operator.dockerfile", Some(Tok::Keyword)),
        ("keyword.operator", None),
        ("keyword", Some(Tok::Keyword)),
        ("storage.type", Some(Tok::Keyword)),
        ("storage.modifier", Some(Tok::Keyword)),
        ("support.function", Some(Tok::Keyword)),
        ("variable.function.shell", Some(Tok::Keyword)),
        ("entity.section.ini", Some(Tok::Keyword)),
        ("meta.diff.header", Some(Tok::Comment)),
        ("meta.diff.range", Some(Tok::Comment)),
    ]
    .into_iter()
    .filter_map(|(s, t)| Scope::new(s).ok().map(|s| (s, t)))
    .collect()
});

fn classify(stack: &ScopeStack) -> Option<Tok> {
    let scopes = stack.as_slice();
    RULES
        .iter()
        .find(|(rule, _)| scopes.iter().any(|s| rule.is_prefix_of(*s)))
        .and_then(|(_, tok)| *tok)
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

/// The HTML being written, with the current run of one class not yet closed, so neighbouring
/// tokens of one class share a `<span>`.
#[derive(Default)]
struct Out {
    html: String,
    run: Option<Tok>,
    text: String,
}

impl Out {
    fn push(&mut self, tok: Option<Tok>, text: &str) {
        if tok != self.run {
            self.flush();
            self.run = tok;
        }
        self.text.push_str(text);
    }

    fn plain(&mut self, text: &str) {
        self.push(None, text);
    }

    /// Writes the run; the whitespace around a token stays outside its span, except the
    /// prompt's, which must not be selected with the command.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        match self.run {
            Some(Tok::Prompt) => {
                self.html.push_str("<span class=\"tok-prompt\">");
                escape_html(&text, &mut self.html);
                self.html.push_str("</span>");
            }
            Some(tok) if !text.trim().is_empty() => {
                let body = text.trim_start();
                let lead = &text[..text.len() - body.len()];
                let body = body.trim_end();
                let tail = &text[lead.len() + body.len()..];
                escape_html(lead, &mut self.html);
                self.html.push_str("<span class=\"");
                self.html.push_str(tok.class());
                self.html.push_str("\">");
                escape_html(body, &mut self.html);
                self.html.push_str("</span>");
                escape_html(tail, &mut self.html);
            }
            _ => escape_html(&text, &mut self.html),
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.html
    }
}

/// Which language names we highlight; anything else is shown as plain, escaped text.
pub fn is_supported(lang: &str) -> bool {
    matches!(
        canonical(lang),
        "bash" | "console" | "yaml" | "dockerfile" | "json" | "go" | "diff" | "ini" | "text"
    )
}

fn canonical(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "zsh" => "bash",
        "yml" => "yaml",
        "Dockerfile" | "docker" => "dockerfile",
        "golang" => "go",
        "patch" => "diff",
        "conf" | "cfg" => "ini",
        "plain" | "txt" | "" => "text",
        other => other,
    }
}

/// The grammar for a canonical language name.
fn syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let set = &*SYNTAXES;
    match lang {
        "bash" => set.find_syntax_by_extension("sh"),
        "yaml" => set.find_syntax_by_extension("yaml"),
        "dockerfile" => set.find_syntax_by_name("Dockerfile"),
        "json" => set.find_syntax_by_extension("json"),
        "go" => set.find_syntax_by_extension("go"),
        "diff" => set.find_syntax_by_extension("diff"),
        "ini" => set.find_syntax_by_extension("ini"),
        _ => None,
    }
}

/// A grammar's parse of consecutive lines; each call goes on where the last line left off.
struct Lexer {
    state: ParseState,
    stack: ScopeStack,
}

/// A grammar failed (e.g. a regex gave up): the caller shows the block plain.
struct Failed;

impl Lexer {
    fn new(syntax: &SyntaxReference) -> Self {
        Lexer {
            state: ParseState::new(syntax),
            stack: ScopeStack::new(),
        }
    }

    /// One line, with its newline if it has one.
    fn line(&mut self, line: &str, out: &mut Out) -> Result<(), Failed> {
        let ops = self.state.parse_line(line, &SYNTAXES).map_err(|_| Failed)?;
        for (range, op) in ScopeRangeIterator::new(&ops, line) {
            self.stack.apply(op).map_err(|_| Failed)?;
            if !range.is_empty() {
                out.push(classify(&self.stack), &line[range]);
            }
        }
        Ok(())
    }
}

/// Highlights `code` as `lang` and returns HTML for the inside of a `<code>` element.
pub fn highlight(lang: &str, code: &str) -> String {
    let lang = canonical(lang);
    let too_big = code.len() > MAX_BLOCK_BYTES || code.lines().any(|l| l.len() > MAX_LINE_BYTES);
    let mut out = Out::default();
    let done = !too_big
        && match lang {
            "console" => console(code, &mut out),
            "dockerfile" => dockerfile(code, &mut out),
            _ => match syntax(lang) {
                Some(syntax) => lex(syntax, code, &mut out),
                None => Err(Failed),
            },
        }
        .is_ok();
    if done {
        return out.finish();
    }
    let mut plain = Out::default();
    plain.plain(code);
    plain.finish()
}

fn lex(syntax: &SyntaxReference, code: &str, out: &mut Out) -> Result<(), Failed> {
    let mut lexer = Lexer::new(syntax);
    for line in LinesWithEndings::from(code) {
        lexer.line(line, out)?;
    }
    Ok(())
}

fn bash_syntax() -> Result<&'static SyntaxReference, Failed> {
    syntax("bash").ok_or(Failed)
}

/// A shell session: `$ ` lines are commands (and the lines a trailing `\` continues), everything
/// else is what the terminal printed.
fn console(code: &str, out: &mut Out) -> Result<(), Failed> {
    let bash = bash_syntax()?;
    let mut command: Option<Lexer> = None;
    for line in LinesWithEndings::from(code) {
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Some(Tok::Prompt), "$ ");
            let lexer = command.insert(Lexer::new(bash));
            lexer.line(cmd, out)?;
            if !continues(cmd) {
                command = None;
            }
        } else if let Some(lexer) = command.as_mut() {
            lexer.line(line, out)?;
            if !continues(line) {
                command = None;
            }
        } else {
            out.push(Some(Tok::Output), line);
        }
    }
    Ok(())
}

fn continues(line: &str) -> bool {
    line.trim_end().ends_with('\\')
}

/// The Dockerfile grammar leaves the shell of `RUN`, `CMD` and `ENTRYPOINT` plain; we give their
/// shell form (and its `\` continuations) to the shell grammar.
fn dockerfile(code: &str, out: &mut Out) -> Result<(), Failed> {
    let docker = syntax("dockerfile").ok_or(Failed)?;
    let bash = bash_syntax()?;
    let mut lexer = Lexer::new(docker);
    let mut shell: Option<Lexer> = None;
    for line in LinesWithEndings::from(code) {
        if let Some(sh) = shell.as_mut() {
            sh.line(line, out)?;
            if !continues(line) {
                shell = None;
            }
            continue;
        }
        let body = line.trim_start();
        let word = body.split_whitespace().next().unwrap_or("");
        let rest = body[word.len()..].trim_start();
        let shell_form = ["RUN", "CMD", "ENTRYPOINT"].contains(&word.to_ascii_uppercase().as_str())
            && !rest.is_empty()
            && !rest.starts_with('[');
        if !shell_form {
            lexer.line(line, out)?;
            continue;
        }
        out.plain(&line[..line.len() - body.len()]);
        out.push(Some(Tok::Keyword), word);
        out.plain(&body[word.len()..body.len() - rest.len()]);
        let sh = shell.insert(Lexer::new(bash));
        sh.line(rest, out)?;
        if !continues(rest) {
            shell = None;
        }
    }
    Ok(())
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

/// The programs of the learner's toolbox (`toolbox/Dockerfile`) a lesson's commands may start
/// with to get a "Run in terminal" button: a block of `docker`, `sudo` or `kubeadm` commands
/// would only fail there (they are run on the learner's own machine or a node).
const TOOLBOX_PROGRAMS: &[&str] = &[
    "kubectl", "k", "curl", "echo", "printf", "cat", "ls", "cd", "pwd", "mkdir", "rm", "cp", "mv",
    "grep", "head", "tail", "less", "wc", "sort", "base64", "date", "env", "export", "sleep", "vi",
    "clear", "history", "for", "while", "if", "true",
];

/// What "Run in terminal" types for a `bash` or `console` block: its commands (as copied), when
/// each begins with a program the toolbox has; `None` for any other block.
pub fn run_text(lang: &str, code: &str) -> Option<String> {
    if !matches!(canonical(lang), "bash" | "console") {
        return None;
    }
    let text = copy_text(lang, code);
    let mut continuing = false;
    let mut any = false;
    for line in text.lines() {
        let starts_command = !continuing;
        continuing = line.ends_with('\\');
        let line = line.trim();
        if !starts_command || line.is_empty() || line.starts_with('#') {
            continue;
        }
        // `NAME=value cmd …` runs cmd.
        let program = line
            .split_whitespace()
            .find(|w| !w.contains('=') || w.starts_with('-'))
            .unwrap_or_default();
        if !TOOLBOX_PROGRAMS.contains(&program) {
            return None;
        }
        any = true;
    }
    any.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_commands_the_toolbox_can_run_get_a_run_button() {
        assert_eq!(
            run_text("console", "$ kubectl get pods\nNAME READY\n$ k get svc\n").as_deref(),
            Some("kubectl get pods\nk get svc")
        );
        assert_eq!(
            run_text(
                "bash",
                "kubectl create deployment web \\\n  --image=nginx\n"
            )
            .as_deref(),
            Some("kubectl create deployment web \\\n  --image=nginx")
        );
        assert_eq!(
            run_text("bash", "# a comment\nNS=demo kubectl get pods\n").as_deref(),
            Some("# a comment\nNS=demo kubectl get pods")
        );
        // Docker, a node's tools, root: not in the toolbox.
        for (lang, code) in [
            ("console", "$ docker run nginx\n"),
            ("console", "$ kubectl get nodes\n$ sudo kubeadm init\n"),
            ("bash", "systemctl restart kubelet\n"),
            ("yaml", "kind: Pod\n"),
            ("console", "just output, no prompt\n"),
        ] {
            assert_eq!(run_text(lang, code), None, "{code}");
        }
    }

    /// `html` has a span of `class` around exactly `text`.
    #[track_caller]
    fn has(html: &str, class: &str, text: &str) {
        let span = format!(r#"<span class="{class}">{text}</span>"#);
        assert!(html.contains(&span), "no {span} in {html}");
    }

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
        has(&html, "tok-key", "replicas");
        has(&html, "tok-number", "2");
        has(&html, "tok-comment", "# two pods");
        has(&html, "tok-key", "image");
        has(&html, "tok-string", "nginx:alpine");
    }

    #[test]
    fn dockerfile_instructions_are_keywords_and_run_is_shell() {
        let html = highlight(
            "dockerfile",
            "FROM nginx:1.21-alpine\nRUN apk add --no-cache curl\n",
        );
        has(&html, "tok-keyword", "FROM");
        has(&html, "tok-keyword", "RUN");
        has(&html, "tok-flag", "--no-cache");
    }

    #[test]
    fn bash_marks_commands_flags_variables_and_comments() {
        let html = highlight("bash", "kubectl get pod -l app=ngx $NS # list\n");
        has(&html, "tok-keyword", "kubectl");
        has(&html, "tok-flag", "-l");
        has(&html, "tok-var", "$NS");
        has(&html, "tok-comment", "# list");
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
        has(&html, "tok-output", "NAME      READY");
    }

    #[test]
    fn json_keys_differ_from_string_values() {
        let html = highlight("json", r#"{"kind": "Pod"}"#);
        has(&html, "tok-key", "&quot;kind&quot;");
        has(&html, "tok-string", "&quot;Pod&quot;");
    }

    #[test]
    fn go_keywords_strings_and_comments() {
        let html = highlight("go", "func main() { fmt.Println(\"hi\") } // done");
        has(&html, "tok-keyword", "func");
        has(&html, "tok-string", "&quot;hi&quot;");
        has(&html, "tok-comment", "// done");
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

    #[test]
    fn diff_and_ini_are_highlighted_too() {
        let html = highlight(
            "diff",
            "@@ -1 +1 @@\n-image: nginx:1.29\n+image: nginx:1.30\n",
        );
        has(&html, "tok-deleted", "-image: nginx:1.29");
        has(&html, "tok-inserted", "+image: nginx:1.30");
        let html = highlight(
            "ini",
            "[Service]\nExecStart = /usr/bin/kubelet ; the kubelet\n",
        );
        has(&html, "tok-key", "ExecStart");
        assert!(html.contains("tok-comment"), "{html}");
    }

    #[test]
    fn a_shell_variable_inside_a_string_is_a_variable() {
        let html = highlight("bash", "echo \"ns=$NS\"\n");
        has(&html, "tok-var", "$NS");
    }

    #[test]
    fn dockerfile_exec_form_stays_dockerfile_and_continuations_stay_shell() {
        let html = highlight(
            "dockerfile",
            "FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl\nCMD [\"nginx\", \"-g\"]\n",
        );
        has(&html, "tok-flag", "-y");
        has(&html, "tok-keyword", "CMD");
        assert!(
            !html.contains(r#"<span class="tok-flag">-g</span>"#),
            "{html}"
        );
    }

    #[test]
    fn oversized_blocks_and_lines_are_shown_plain_and_whole() {
        let long_line = format!("key: {}\n", "x".repeat(MAX_LINE_BYTES + 1));
        let html = highlight("yaml", &long_line);
        assert!(!html.contains("<span"), "no highlighting");
        assert_eq!(text_of(&html), long_line);
        let big = "a: 1\n".repeat(MAX_BLOCK_BYTES / 5 + 1);
        let html = highlight("yaml", &big);
        assert!(!html.contains("<span"));
        assert_eq!(text_of(&html), big);
    }
}
