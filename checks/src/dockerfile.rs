//! A Dockerfile parser following the real syntax (parser directives, escape character, line
//! continuations, comments, JSON and shell forms, heredocs) and the Dockerfile checks.

use crate::spec::Check;
use crate::verdict::{t, Location, Outcome};
use crate::InputError;

pub const INSTRUCTIONS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Line where the instruction starts (1-based).
    pub line: u32,
    /// Upper-cased keyword.
    pub keyword: String,
    /// `--from=build`, `--chown=...` etc., in order.
    pub flags: Vec<String>,
    /// Arguments after the flags, continuations joined.
    pub args: String,
    /// The arguments in JSON (exec) form, if written so.
    pub json: Option<Vec<String>>,
    /// Bodies of heredocs (`<<EOF`), in order.
    pub heredocs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub escape: char,
}

fn err(line: usize, message: impl Into<String>) -> InputError {
    InputError::Syntax {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: 1,
        message: message.into(),
    }
}

/// Parse a Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, InputError> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut escape = '\\';
    let mut i = 0;
    // Parser directives: only at the very top, `# key=value`.
    while i < lines.len() {
        let l = lines[i].trim();
        let Some(rest) = l.strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = rest.split_once('=') else {
            break;
        };
        let k = k.trim().to_ascii_lowercase();
        if k.is_empty() || k.contains(' ') {
            break;
        }
        if k == "escape" {
            escape = match v.trim() {
                "\\" => '\\',
                "`" => '`',
                other => {
                    return Err(err(
                        i + 1,
                        format!("invalid escape directive {other:?}: use \\ or `"),
                    ))
                }
            };
        }
        i += 1;
    }
    let mut out = Vec::new();
    while i < lines.len() {
        let start = i;
        let first = lines[i].trim_start();
        i += 1;
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        // Join continuation lines; comment and empty lines inside a continuation are dropped.
        let mut logical = String::new();
        let mut cur = first.to_string();
        loop {
            let trimmed = cur.trim_end();
            if let Some(body) = trimmed.strip_suffix(escape) {
                logical.push_str(body);
                // find the next line that is not a comment/empty
                let mut next = None;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let lt = l.trim_start();
                    if lt.starts_with('#') || lt.is_empty() {
                        continue;
                    }
                    next = Some(l.to_string());
                    break;
                }
                match next {
                    Some(n) => cur = n,
                    None => break,
                }
            } else {
                logical.push_str(&cur);
                break;
            }
        }
        let (kw, rest) = match logical.find(char::is_whitespace) {
            Some(p) => (&logical[..p], logical[p..].trim()),
            None => (logical.as_str(), ""),
        };
        let keyword = kw.to_ascii_uppercase();
        if !INSTRUCTIONS.contains(&keyword.as_str()) {
            return Err(err(start + 1, format!("unknown instruction {kw:?}")));
        }
        if rest.is_empty() && keyword != "HEALTHCHECK" {
            return Err(err(start + 1, format!("{keyword} needs arguments")));
        }
        // flags
        let mut flags = Vec::new();
        let mut args = rest;
        while let Some(f) = args.strip_prefix("--") {
            let end = f.find(char::is_whitespace).unwrap_or(f.len());
            flags.push(format!("--{}", &f[..end]));
            args = f[end..].trim_start();
        }
        let json = if args.starts_with('[') {
            serde_json::from_str::<Vec<String>>(args).ok()
        } else {
            None
        };
        // heredocs
        let mut heredocs = Vec::new();
        if json.is_none() && matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (word, strip_tabs) in heredoc_words(args) {
                let mut body = String::new();
                loop {
                    if i >= lines.len() {
                        return Err(err(
                            start + 1,
                            format!("heredoc <<{word} is not terminated"),
                        ));
                    }
                    let l = lines[i];
                    i += 1;
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    if cmp == word {
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                }
                heredocs.push(body);
            }
        }
        out.push(Instruction {
            line: u32::try_from(start + 1).unwrap_or(u32::MAX),
            keyword,
            flags,
            args: args.to_string(),
            json,
            heredocs,
        });
    }
    if out.is_empty() {
        return Err(err(1, "the Dockerfile has no instructions"));
    }
    match out.iter().find(|x| x.keyword != "ARG") {
        Some(x) if x.keyword != "FROM" => {
            return Err(err(
                x.line as usize,
                format!(
                    "the first instruction must be FROM (or ARG before FROM), found {}",
                    x.keyword
                ),
            ))
        }
        None => return Err(err(1, "the Dockerfile has no FROM")),
        _ => {}
    }
    Ok(Dockerfile {
        instructions: out,
        escape,
    })
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` words in a line.
fn heredoc_words(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(p) = rest.find("<<") {
        let mut after = &rest[p + 2..];
        let strip = after.starts_with('-');
        if strip {
            after = &after[1..];
        }
        let quoted = after.starts_with('"') || after.starts_with('\'');
        let word: String = if quoted {
            let q = after.chars().next().unwrap_or('"');
            after[1..].chars().take_while(|c| *c != q).collect()
        } else {
            after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        if !word.is_empty() {
            out.push((word, strip));
        }
        rest = &rest[p + 2..];
    }
    out
}

/// Longest text [`expand`] expands; longer is returned as written (an image reference is at most
/// a few hundred characters, so the image rules then say it is not one).
pub const MAX_EXPAND_INPUT: usize = 4096;
/// Longest text [`expand`] produces: `FROM $A$A$A…` over a 500 KB `ARG A` would be 100 GB.
pub const MAX_EXPANDED: usize = 64 * 1024;

/// Expand `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` with the given variables (the last
/// declaration of a name wins). Bounded: see [`MAX_EXPAND_INPUT`] and [`MAX_EXPANDED`].
pub fn expand(s: &str, vars: &[(String, String)]) -> String {
    if s.len() > MAX_EXPAND_INPUT {
        return s.to_string();
    }
    // Built once: a Dockerfile may declare thousands of ARGs.
    let table: std::collections::HashMap<&str, &str> =
        vars.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let lookup = |k: &str| table.get(k).map(|v| v.to_string());
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if out.len() > MAX_EXPANDED {
            out.truncate(out.floor_char_boundary(MAX_EXPANDED));
            break;
        }
        if chars[i] == '$' && i + 1 < chars.len() {
            if chars[i + 1] == '{' {
                if let Some(end) = chars[i + 2..].iter().position(|c| *c == '}') {
                    let inner: String = chars[i + 2..i + 2 + end].iter().collect();
                    let val = if let Some((k, d)) = inner.split_once(":-") {
                        lookup(k)
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| d.to_string())
                    } else if let Some((k, a)) = inner.split_once(":+") {
                        if lookup(k).is_some_and(|v| !v.is_empty()) {
                            a.to_string()
                        } else {
                            String::new()
                        }
                    } else {
                        lookup(&inner).unwrap_or_default()
                    };
                    out.push_str(&val);
                    i += 3 + end;
                    continue;
                }
            } else if chars[i + 1].is_alphabetic() || chars[i + 1] == '_' {
                let name: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '_')
                    .collect();
                out.push_str(&lookup(&name).unwrap_or_default());
                i += 1 + name.chars().count();
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// A FROM line resolved: image reference with ARG defaults expanded, plus its stage name.
#[derive(Debug, Clone)]
struct From {
    line: u32,
    image: String,
    stage: Option<String>,
}

fn froms(df: &Dockerfile) -> Vec<From> {
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    let mut seen_from = false;
    for ins in &df.instructions {
        match ins.keyword.as_str() {
            "ARG" if !seen_from => {
                for decl in ins.args.split_whitespace() {
                    match decl.split_once('=') {
                        Some((k, v)) => vars.push((k.to_string(), unquote(v))),
                        None => vars.push((decl.to_string(), String::new())),
                    }
                }
            }
            "FROM" => {
                seen_from = true;
                let parts: Vec<&str> = ins.args.split_whitespace().collect();
                let image = expand(parts.first().copied().unwrap_or_default(), &vars);
                let stage = match parts.as_slice() {
                    [_, as_kw, name, ..] if as_kw.eq_ignore_ascii_case("as") => {
                        Some(name.to_ascii_lowercase())
                    }
                    _ => None,
                };
                out.push(From {
                    line: ins.line,
                    image,
                    stage,
                });
            }
            _ => {}
        }
    }
    out
}

/// `(repository, tag, digest)` of an image reference; the repository is normalised
/// (`docker.io/library/nginx` → `nginx`).
pub fn split_image(image: &str) -> (String, Option<String>, Option<String>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map(|p| p + 1).unwrap_or(0);
    let (repo, tag) = match rest[last_slash..].rfind(':') {
        Some(p) => (
            &rest[..last_slash + p],
            Some(rest[last_slash + p + 1..].to_string()),
        ),
        None => (rest, None),
    };
    let mut repo = repo.to_ascii_lowercase();
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(r) = repo.strip_prefix(prefix) {
            repo = r.to_string();
        }
    }
    if let Some(r) = repo.strip_prefix("library/") {
        repo = r.to_string();
    }
    (repo, tag, digest)
}

fn loc(line: u32) -> Option<Location> {
    Some(Location { line, column: 1 })
}

/// Sources of a COPY/ADD (everything but the destination), heredoc markers excluded.
fn copy_sources(ins: &Instruction) -> Vec<String> {
    let words: Vec<String> = match &ins.json {
        Some(j) => j.clone(),
        None => shell_words::split(&ins.args)
            .unwrap_or_else(|_| ins.args.split_whitespace().map(str::to_string).collect()),
    };
    if words.len() < 2 {
        return Vec::new();
    }
    words[..words.len() - 1]
        .iter()
        .filter(|w| !w.starts_with("<<"))
        .cloned()
        .collect()
}

/// Does a relative path leave the context (`../x`, `a/../../x`)?
fn escapes_context(p: &str) -> bool {
    let mut depth: i32 = 0;
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

pub(crate) fn eval(check: &Check, df: &Dockerfile) -> Outcome {
    match check {
        Check::DockerfileBaseImage { image, forbid_tags } => {
            let fs = froms(df);
            let stages: Vec<String> = fs.iter().filter_map(|f| f.stage.clone()).collect();
            // every external FROM needs an explicit, allowed tag
            for f in &fs {
                let lower = f.image.to_ascii_lowercase();
                if lower == "scratch" || stages.contains(&lower) {
                    continue;
                }
                let (repo, tag, digest) = split_image(&f.image);
                let shown = f.image.clone();
                match tag {
                    None if digest.is_none() => {
                        return Outcome::fail(t(
                            format!("第 {} 行的 FROM {shown} 没有写标签，会默认使用 latest，每次构建可能得到不同的镜像。", f.line),
                            format!("FROM {shown} on line {} has no tag, so it means latest and may change between builds.", f.line),
                        ))
                        .field("FROM")
                        .expected(format!("{repo}:<version>"))
                        .found(shown)
                        .at(loc(f.line))
                    }
                    Some(tag) if tag.is_empty() || forbid_tags.iter().any(|x| x.eq_ignore_ascii_case(&tag)) => {
                        return Outcome::fail(t(
                            format!("第 {} 行的 FROM {shown} 使用了标签 {tag}，请写明具体版本。", f.line),
                            format!("FROM {shown} on line {} uses the tag {tag}; pin a specific version.", f.line),
                        ))
                        .field("FROM")
                        .expected(format!("{repo}:<version>, not {}", forbid_tags.join("/")))
                        .found(shown)
                        .at(loc(f.line))
                    }
                    _ => {}
                }
            }
            // the final stage must be based on `image` (following stage aliases)
            let Some(last) = fs.last() else {
                return Outcome::fail(t("没有 FROM 指令。", "There is no FROM instruction."))
                    .field("FROM");
            };
            let mut cur = last.clone();
            for _ in 0..fs.len() {
                let lower = cur.image.to_ascii_lowercase();
                match fs
                    .iter()
                    .find(|f| f.stage.as_deref() == Some(lower.as_str()) && f.line < cur.line)
                {
                    Some(parent) => cur = parent.clone(),
                    None => break,
                }
            }
            let (repo, _, _) = split_image(&cur.image);
            if repo != image.to_ascii_lowercase() {
                return Outcome::fail(t(
                    format!("最终镜像基于 {}，应基于 {image}。", cur.image),
                    format!(
                        "The final image is based on {}, expected {image}.",
                        cur.image
                    ),
                ))
                .field("FROM")
                .expected(image.clone())
                .found(cur.image.clone())
                .at(loc(cur.line));
            }
            Outcome::pass(t(
                format!("基础镜像 {} 写明了版本。", cur.image),
                format!("Base image {} has an explicit version.", cur.image),
            ))
            .field("FROM")
            .found(cur.image.clone())
            .at(loc(cur.line))
        }
        Check::DockerfileCopyInContext => {
            for ins in df
                .instructions
                .iter()
                .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD"))
            {
                if ins.flags.iter().any(|f| f.starts_with("--from")) {
                    continue;
                }
                for src in copy_sources(ins) {
                    let is_url = src.contains("://") || src.starts_with("git@");
                    if is_url {
                        continue;
                    }
                    let bad = src.starts_with('/') || escapes_context(&src);
                    if bad {
                        return Outcome::fail(t(
                            format!(
                                "第 {} 行的 {} 引用了 {src}，它在构建上下文之外；构建时只能拷贝上下文目录里的文件（比如先把它复制到当前目录）。",
                                ins.line, ins.keyword
                            ),
                            format!(
                                "{} on line {} refers to {src}, which is outside the build context; only files inside the context directory can be copied (copy it there first).",
                                ins.keyword, ins.line
                            ),
                        ))
                        .field(ins.keyword.clone())
                        .expected("a path inside the build context")
                        .found(src)
                        .at(loc(ins.line));
                    }
                }
            }
            Outcome::pass(t(
                "COPY/ADD 的源文件都在构建上下文里。",
                "COPY/ADD sources are all inside the build context.",
            ))
            .field("COPY")
        }
        Check::DockerfileNoConsecutiveRuns => {
            let mut run_start: Option<(u32, usize)> = None; // (line of first RUN, count)
            let mut worst: Option<(u32, u32, usize)> = None;
            for ins in &df.instructions {
                if ins.keyword == "RUN" {
                    run_start = Some(match run_start {
                        Some((l, n)) => (l, n + 1),
                        None => (ins.line, 1),
                    });
                    if let Some((l, n)) = run_start {
                        if n >= 2 && worst.is_none_or(|(_, _, w)| n > w) {
                            worst = Some((l, ins.line, n));
                        }
                    }
                } else {
                    run_start = None;
                }
            }
            match worst {
                Some((first, last, n)) => Outcome::fail(t(
                    format!("第 {first}–{last} 行连续写了 {n} 条 RUN，每条都会产生一个镜像层；用 && 把它们合并成一条 RUN。"),
                    format!("Lines {first}–{last} have {n} RUN instructions in a row, each adding an image layer; join them into one RUN with &&."),
                ))
                .field("RUN")
                .expected("one RUN joined with &&")
                .found(format!("{n} consecutive RUNs"))
                .at(loc(last)),
                None => Outcome::pass(t("没有连续的 RUN 指令。", "No consecutive RUN instructions.")).field("RUN"),
            }
        }
        Check::DockerfileHas { instruction, min } => {
            let kw = instruction.to_ascii_uppercase();
            let n: usize = df
                .instructions
                .iter()
                .filter(|i| i.keyword == kw)
                .map(|i| {
                    if kw == "EXPOSE" {
                        i.args.split_whitespace().count()
                    } else {
                        1
                    }
                })
                .sum();
            if n >= *min as usize {
                Outcome::pass(t(format!("有 {n} 个 {kw}。"), format!("{kw} found ({n}).")))
                    .field(kw)
                    .found(n.to_string())
            } else {
                Outcome::fail(t(
                    format!("需要至少 {min} 个 {kw}，找到 {n} 个。"),
                    format!("Needs at least {min} {kw}, found {n}."),
                ))
                .field(kw)
                .expected(format!(">= {min}"))
                .found(n.to_string())
            }
        }
        other => Outcome::fail(t(
            format!("检查 {} 不适用于 Dockerfile。", other.name()),
            format!("Check {} does not apply to a Dockerfile.", other.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_is_bounded() {
        // `FROM $A$A$A…` over a 500 KB ARG: 100 GB if expanded naively.
        let vars = vec![("A".to_string(), "x".repeat(500_000))];
        let refs = "$A".repeat(2_000);
        let out = expand(&refs, &vars);
        assert!(out.len() <= MAX_EXPANDED, "{}", out.len());
        // Past MAX_EXPAND_INPUT the text stays as written.
        let long = "$A".repeat(MAX_EXPAND_INPUT);
        assert_eq!(expand(&long, &vars), long);
        // The last declaration of a name wins, as before.
        let vars = vec![
            ("T".to_string(), "1".to_string()),
            ("T".to_string(), "2".to_string()),
        ];
        assert_eq!(expand("nginx:${T}-alpine", &vars), "nginx:2-alpine");
    }

    #[test]
    fn a_dockerfile_expansion_bomb_is_checked_quickly() {
        let mut df = format!("ARG A={}\n", "x".repeat(400_000));
        for i in 0..20_000 {
            df.push_str(&format!("ARG V{i}=v\n"));
        }
        df.push_str(&format!("FROM {}\nCOPY . .\n", "$A".repeat(1_000)));
        assert!(df.len() < crate::MAX_INPUT_BYTES);
        let froms = froms(&parse(&df).expect("parses"));
        assert!(froms[0].image.len() <= MAX_EXPANDED);
    }

    #[test]
    fn continuations_comments_and_json_form_parse() {
        let df = parse("# syntax=docker/dockerfile:1\nFROM nginx:1.25-alpine\nRUN apk add curl \\\n  # a comment\n  && rm -rf /var/cache\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n").unwrap();
        assert_eq!(df.instructions.len(), 3);
        assert_eq!(df.instructions[1].line, 3);
        assert!(df.instructions[1].args.contains("&& rm -rf"));
        assert_eq!(df.instructions[2].json.as_ref().map(Vec::len), Some(3));
    }

    #[test]
    fn escape_directive_switches_to_backtick() {
        let df = parse("# escape=`\nFROM nginx:1.25\nRUN echo a `\n  && echo b\n").unwrap();
        assert_eq!(df.escape, '`');
        assert_eq!(df.instructions.len(), 2);
    }

    #[test]
    fn heredocs_are_consumed() {
        let df = parse(
            "FROM nginx:1.25\nRUN <<EOF\napk add curl\nFROM not-an-instruction\nEOF\nEXPOSE 80\n",
        )
        .unwrap();
        assert_eq!(df.instructions.len(), 3);
        assert_eq!(
            df.instructions[1].heredocs[0],
            "apk add curl\nFROM not-an-instruction\n"
        );
        assert!(parse("FROM nginx:1.25\nRUN <<EOF\napk add curl\n").is_err());
    }

    #[test]
    fn arg_defaults_expand_in_from() {
        let df = parse("ARG TAG=1.25-alpine\nARG REPO=\"nginx\"\nFROM ${REPO}:${TAG}\n").unwrap();
        assert_eq!(froms(&df)[0].image, "nginx:1.25-alpine");
        let df = parse("ARG TAG\nFROM nginx:${TAG:-latest}\n").unwrap();
        assert_eq!(froms(&df)[0].image, "nginx:latest");
    }

    #[test]
    fn image_references_split_into_repo_tag_digest() {
        assert_eq!(
            split_image("nginx:1.21.6-alpine"),
            ("nginx".into(), Some("1.21.6-alpine".into()), None)
        );
        assert_eq!(
            split_image("docker.io/library/nginx"),
            ("nginx".into(), None, None)
        );
        assert_eq!(
            split_image("localhost:5000/nginx"),
            ("localhost:5000/nginx".into(), None, None)
        );
        assert_eq!(split_image("nginx@sha256:abc").2, Some("sha256:abc".into()));
    }

    #[test]
    fn unknown_instruction_and_missing_from_are_errors_with_line() {
        match parse("FROM nginx:1\nFOO bar\n") {
            Err(InputError::Syntax { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        assert!(parse("RUN echo\n").is_err());
        assert!(parse("\n# only a comment\n").is_err());
    }

    #[test]
    fn context_escape_detection() {
        assert!(escapes_context("../x"));
        assert!(escapes_context("a/../../x"));
        assert!(!escapes_context("a/../x"));
        assert!(!escapes_context("./index.html"));
    }
}
