//! One shell command line, split with shell-word rules and parsed against a declared flag grammar,
//! so flags compare semantically: order-independent, short/long spellings, `--flag=v` / `--flag v`,
//! `-p8080:80`, combined short flags (`-dit`), optional values (`--dry-run` → `client`).

use serde_json::Value;

use crate::cluster::{describe_expect, satisfies};
use crate::spec::{Check, CommandSpec, FlagSpec};
use crate::verdict::{t, Outcome};
use crate::InputError;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The program as typed (`docker`, `k`), or empty.
    pub program: String,
    /// Whether the program is the expected one (or an alias).
    pub program_ok: bool,
    /// The subcommand path that matched, if any.
    pub subcommand: Option<Vec<String>>,
    /// The words after the program that were taken as the subcommand (for messages).
    pub words: Vec<String>,
    /// `(canonical flag name, name as typed, value)`.
    pub flags: Vec<(String, String, Option<String>)>,
    pub positionals: Vec<String>,
    /// Flags not in the grammar, as typed.
    pub unknown: Vec<String>,
}

const SEPARATORS: &[&str] = &["&&", "||", ";", "|", "&"];

fn is_redirect(tok: &str) -> Option<bool> {
    // Some(true): operator alone, its target is the next word; Some(false): target attached.
    let ops = [">>", ">", "2>>", "2>", "&>", "1>", "<"];
    for op in ops {
        if tok == op {
            return Some(true);
        }
        if let Some(rest) = tok.strip_prefix(op) {
            return Some(rest.is_empty());
        }
    }
    None
}

/// Split the input into simple commands (words), dropping redirections.
fn simple_commands(input: &str) -> Result<Vec<Vec<String>>, InputError> {
    let mut text = input.replace("\\\r\n", " ").replace("\\\n", " ");
    text = text
        .lines()
        .map(|l| {
            let l = l.trim_start();
            l.strip_prefix("$ ").unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let words = shell_words::split(&text).map_err(|e| InputError::Syntax {
        line: 1,
        column: 1,
        message: format!("cannot split the command: {e} (check your quotes)"),
    })?;
    let mut cmds = vec![Vec::new()];
    let mut skip_next = false;
    for w in words {
        if skip_next {
            skip_next = false;
            continue;
        }
        if SEPARATORS.contains(&w.as_str()) {
            cmds.push(Vec::new());
            continue;
        }
        if let Some(next_is_target) = is_redirect(&w) {
            skip_next = next_is_target;
            continue;
        }
        let (w, ends) = match w.strip_suffix(';') {
            Some(x) => (x.to_string(), true),
            None => (w, false),
        };
        if let Some(last) = cmds.last_mut() {
            if !w.is_empty() {
                last.push(w);
            }
        }
        if ends {
            cmds.push(Vec::new());
        }
    }
    cmds.retain(|c| !c.is_empty());
    Ok(cmds)
}

fn find_flag<'a>(spec: &'a CommandSpec, name: &str) -> Option<&'a FlagSpec> {
    spec.flags
        .iter()
        .find(|f| f.names.iter().any(|n| n == name))
}

fn canonical(f: &FlagSpec) -> String {
    f.names.first().cloned().unwrap_or_default()
}

/// Parse `input` against the command grammar.
pub fn parse(spec: &CommandSpec, input: &str) -> Result<Parsed, InputError> {
    let cmds = simple_commands(input)?;
    if cmds.is_empty() {
        return Err(InputError::Empty);
    }
    let strip = |c: &Vec<String>| -> Vec<String> {
        let mut w: &[String] = c;
        // `sudo`, env assignments
        while let Some(first) = w.first() {
            if first == "sudo" || (first.contains('=') && !first.starts_with('-')) {
                w = &w[1..];
            } else {
                break;
            }
        }
        w.to_vec()
    };
    let is_prog = |w: &str| {
        w == spec.program
            || spec.aliases.iter().any(|a| a == w)
            || w.ends_with(&format!("/{}", spec.program))
    };
    let chosen = cmds
        .iter()
        .map(strip)
        .find(|c| c.first().is_some_and(|p| is_prog(p)))
        .unwrap_or_else(|| strip(&cmds[0]));
    let program = chosen.first().cloned().unwrap_or_default();
    let mut p = Parsed {
        program_ok: is_prog(&program),
        program,
        subcommand: None,
        words: Vec::new(),
        flags: Vec::new(),
        positionals: Vec::new(),
        unknown: Vec::new(),
    };
    let rest = &chosen[1.min(chosen.len())..];
    let mut i = 0;
    if !spec.subcommands.is_empty() {
        let mut best: Option<&Vec<String>> = None;
        for sc in &spec.subcommands {
            if rest.len() >= sc.len()
                && rest[..sc.len()] == sc[..]
                && best.is_none_or(|b| sc.len() > b.len())
            {
                best = Some(sc);
            }
        }
        if let Some(b) = best {
            p.subcommand = Some(b.clone());
            i = b.len();
        } else {
            p.words = rest
                .iter()
                .take_while(|w| !w.starts_with('-'))
                .take(2)
                .cloned()
                .collect();
        }
    }
    let mut only_positionals = false;
    while i < rest.len() {
        let w = &rest[i];
        i += 1;
        if only_positionals || w == "-" || !w.starts_with('-') {
            p.positionals.push(w.clone());
            if spec.flags_stop_at_positional {
                only_positionals = true;
            }
            continue;
        }
        if w == "--" {
            only_positionals = true;
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (format!("--{long}"), None),
            };
            match find_flag(spec, &name) {
                Some(f) => {
                    let value = if attached.is_some() {
                        attached
                    } else if f.implicit.is_some() {
                        f.implicit.clone()
                    } else if f.value {
                        let v = rest.get(i).cloned();
                        i += 1;
                        v
                    } else {
                        None
                    };
                    p.flags.push((canonical(f), name, value));
                }
                None => {
                    p.unknown.push(name.clone());
                    p.flags.push((name.clone(), name, attached));
                }
            }
            continue;
        }
        // short flags, possibly combined: -dit, -p8080:80, -oyaml, -o=yaml
        let chars: Vec<char> = w[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let name = format!("-{}", chars[k]);
            k += 1;
            match find_flag(spec, &name) {
                Some(f) if f.value => {
                    let attached: String = chars[k..].iter().collect();
                    let attached = attached
                        .strip_prefix('=')
                        .map(str::to_string)
                        .unwrap_or(attached);
                    let value = if !attached.is_empty() {
                        Some(attached)
                    } else if f.implicit.is_some() {
                        f.implicit.clone()
                    } else {
                        let v = rest.get(i).cloned();
                        i += 1;
                        v
                    };
                    p.flags.push((canonical(f), name, value));
                    break;
                }
                Some(f) => p.flags.push((canonical(f), name, None)),
                None => {
                    p.unknown.push(name.clone());
                    p.flags.push((name.clone(), name, None));
                }
            }
        }
    }
    Ok(p)
}

fn shown(spec: &CommandSpec) -> String {
    match spec.subcommands.first() {
        Some(sc) => format!("{} {}", spec.program, sc.join(" ")),
        None => spec.program.clone(),
    }
}

pub(crate) fn eval(check: &Check, spec: &CommandSpec, p: &Parsed) -> Outcome {
    match check {
        Check::CommandIs => {
            let want = shown(spec);
            if !p.program_ok {
                return Outcome::fail(t(
                    format!("命令应以 {want} 开头，而不是 {}。", p.program),
                    format!("The command should start with {want}, not {}.", p.program),
                ))
                .field("program")
                .expected(want)
                .found(p.program.clone());
            }
            if !spec.subcommands.is_empty() && p.subcommand.is_none() {
                let found = format!("{} {}", p.program, p.words.join(" "));
                return Outcome::fail(t(
                    format!("应该使用 {want}，找到的是 {}。", found.trim()),
                    format!("Use {want}; found {}.", found.trim()),
                ))
                .field("subcommand")
                .expected(want)
                .found(found.trim().to_string());
            }
            Outcome::pass(t(format!("使用了 {want}。"), format!("Uses {want}.")))
                .field("program")
                .found(want)
        }
        Check::Flag { names, expect } => {
            let canon: Vec<String> = names
                .iter()
                .filter_map(|n| find_flag(spec, n))
                .map(canonical)
                .collect();
            let occ: Vec<&(String, String, Option<String>)> = p
                .flags
                .iter()
                .filter(|(c, _, _)| canon.contains(c))
                .collect();
            let spelled = names.join(" / ");
            let field = names
                .iter()
                .find(|n| n.starts_with("--"))
                .unwrap_or(&names[0])
                .clone();
            let Some(first) = occ.first() else {
                let want = expect
                    .as_ref()
                    .map(|e| format!(" {}", describe_expect(e, "")))
                    .unwrap_or_default();
                return Outcome::fail(t(
                    format!("缺少参数 {spelled}{want}。"),
                    format!("The flag {spelled}{want} is missing."),
                ))
                .field(field)
                .expected(format!("{spelled}{want}"))
                .found("(missing)");
            };
            let Some(e) = expect else {
                return Outcome::pass(t(
                    format!("有参数 {}。", first.1),
                    format!("Flag {} is given.", first.1),
                ))
                .field(field)
                .found(first.1.clone());
            };
            let values: Vec<String> = occ
                .iter()
                .map(|(_, _, v)| v.clone().unwrap_or_default())
                .collect();
            if let Some(v) = values
                .iter()
                .find(|v| satisfies(e, &Value::String((*v).clone()), ""))
            {
                return Outcome::pass(t(
                    format!("{spelled} 是 {v}。"),
                    format!("{spelled} is {v}."),
                ))
                .field(field)
                .expected(describe_expect(e, ""))
                .found(v.clone());
            }
            let found = values.join(", ");
            Outcome::fail(t(
                format!(
                    "{spelled} 的值是 {found}，应为 {}。",
                    describe_expect(e, "")
                ),
                format!("{spelled} is {found}, expected {}.", describe_expect(e, "")),
            ))
            .field(field)
            .expected(describe_expect(e, ""))
            .found(found)
        }
        Check::Positional { index, expect } => {
            let field = format!("argument {}", index + 1);
            match p.positionals.get(*index) {
                Some(v) if satisfies(expect, &Value::String(v.clone()), "") => Outcome::pass(t(
                    format!("参数 {} 是 {v}。", index + 1),
                    format!("Argument {} is {v}.", index + 1),
                ))
                .field(field)
                .found(v.clone()),
                found => {
                    let found = found.cloned().unwrap_or_else(|| "(missing)".into());
                    Outcome::fail(t(
                        format!(
                            "第 {} 个参数是 {found}，应为 {}。",
                            index + 1,
                            describe_expect(expect, "")
                        ),
                        format!(
                            "Argument {} is {found}, expected {}.",
                            index + 1,
                            describe_expect(expect, "")
                        ),
                    ))
                    .field(field)
                    .expected(describe_expect(expect, ""))
                    .found(found)
                }
            }
        }
        other => Outcome::fail(t(
            format!("检查 {} 不适用于命令。", other.name()),
            format!("Check {} does not apply to a command.", other.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docker() -> CommandSpec {
        let f = |names: &[&str], value: bool| FlagSpec {
            names: names.iter().map(|s| s.to_string()).collect(),
            value,
            implicit: None,
        };
        CommandSpec {
            program: "docker".into(),
            aliases: vec![],
            subcommands: vec![vec!["run".into()], vec!["container".into(), "run".into()]],
            flags: vec![
                f(&["-d", "--detach"], false),
                f(&["-i", "--interactive"], false),
                f(&["-t", "--tty"], false),
                f(&["--rm"], false),
                f(&["-p", "--publish"], true),
                f(&["-v", "--volume"], true),
            ],
            flags_stop_at_positional: true,
        }
    }

    #[test]
    fn combined_short_flags_and_attached_values_parse() {
        let p = parse(
            &docker(),
            "docker container run -dit -p8080:80 --volume=/tmp:/tmp nginx:alpine sh -c 'echo -p 1'",
        )
        .unwrap();
        let names: Vec<&str> = p.flags.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["-d", "-i", "-t", "-p", "-v"]);
        assert_eq!(p.flags[3].2.as_deref(), Some("8080:80"));
        assert_eq!(p.positionals, ["nginx:alpine", "sh", "-c", "echo -p 1"]);
    }

    #[test]
    fn continuations_prompts_sudo_and_redirections_are_handled() {
        let p = parse(
            &docker(),
            "$ sudo docker run \\\n  -d --rm \\\n  -p 8080:80 nginx:alpine > out.txt",
        )
        .unwrap();
        assert!(p.program_ok);
        assert_eq!(p.positionals, ["nginx:alpine"]);
        assert_eq!(p.flags.len(), 3);
    }

    #[test]
    fn unbalanced_quotes_are_a_clear_error() {
        assert!(matches!(
            parse(&docker(), "docker run 'nginx"),
            Err(InputError::Syntax { .. })
        ));
        assert!(matches!(parse(&docker(), "   "), Err(InputError::Empty)));
    }
}
