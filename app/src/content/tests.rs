use std::fs;
use std::path::Path;

use super::*;

const COURSE: &str =
    "title: { zh: 课, en: Course }\nparts:\n  - id: p1\n    title: { zh: 一, en: One }\n";

fn chapter(id: &str, order: u32, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: T {id}\npart: p1\norder: {order}\nsummary: S\nminutes: 10\nexercises: []\n---\n{body}"
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// A valid two-chapter course; tests break one thing at a time.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("content");
    write(&root, "course.yaml", COURSE);
    for lang in ["zh", "en"] {
        write(
            &root,
            &format!("{lang}/a.md"),
            &chapter("a", 1, "## Intro\n\nSee [b](b.md#deep).\n"),
        );
        write(
            &root,
            &format!("{lang}/b.md"),
            &chapter("b", 2, "## Deep\n\n```bash\necho hi\n```\n"),
        );
    }
    dir
}

fn root(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("content")
}

fn messages(dir: &tempfile::TempDir) -> Vec<String> {
    match load(&root(dir)) {
        Ok(_) => vec![],
        Err(errors) => errors.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn a_valid_course_loads_in_order_with_rendered_lessons() {
    let dir = fixture();
    let course = load(&root(&dir)).expect("valid course loads");
    assert_eq!(course.order, vec!["a", "b"]);
    assert_eq!(course.parts[0].id, "p1");
    let a = course.lesson(Lang::En, "a").expect("a in en");
    assert!(
        a.html.contains(r##"href="/en/learn/b#deep""##),
        "{}",
        a.html
    );
    assert_eq!(a.toc[0].anchor, "intro");
    assert!(course.lesson(Lang::Zh, "b").is_some());
}

#[test]
fn missing_front_matter_names_the_file() {
    let dir = fixture();
    write(&root(&dir), "en/b.md", "## No front matter\n");
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("content/en/b.md:1: no front matter")),
        "{msgs:?}"
    );
}

#[test]
fn bad_front_matter_names_file_line_and_field() {
    let dir = fixture();
    write(
        &root(&dir),
        "zh/b.md",
        "---\nid: b\ntitle: T\npart: p1\norder: two\nsummary: S\nminutes: 10\nexercises: []\n---\nbody\n",
    );
    let msgs = messages(&dir);
    let m = msgs
        .iter()
        .find(|m| m.starts_with("content/zh/b.md:5:"))
        .unwrap_or_else(|| panic!("{msgs:?}"));
    assert!(m.contains("order"), "{m}");
}

#[test]
fn missing_required_field_is_named() {
    let dir = fixture();
    write(
        &root(&dir),
        "en/a.md",
        "---\nid: a\ntitle: T\npart: p1\norder: 1\nsummary: S\nexercises: []\n---\n## Intro\n",
    );
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("content/en/a.md:") && m.contains("missing field `minutes`")),
        "{msgs:?}"
    );
}

#[test]
fn unknown_front_matter_field_is_rejected() {
    let dir = fixture();
    write(
        &root(&dir),
        "en/a.md",
        &chapter("a", 1, "## Intro\n").replace("minutes: 10", "minutes: 10\nminuets: 3"),
    );
    let msgs = messages(&dir);
    assert!(
        msgs.iter().any(|m| m.contains("unknown field `minuets`")),
        "{msgs:?}"
    );
}

#[test]
fn a_chapter_in_only_one_language_is_reported() {
    let dir = fixture();
    write(&root(&dir), "zh/c.md", &chapter("c", 3, "## C\n"));
    let msgs = messages(&dir);
    assert!(
        msgs.iter().any(|m| m
            == "content/zh/c.md: chapter `c` has no English version: expected content/en/c.md"),
        "{msgs:?}"
    );
}

#[test]
fn id_must_match_file_name() {
    let dir = fixture();
    write(&root(&dir), "en/b.md", &chapter("bee", 2, "## Deep\n"));
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.contains("chapter id `bee` must match the file name `b.md`")),
        "{msgs:?}"
    );
}

#[test]
fn languages_must_agree_on_order_and_exercises() {
    let dir = fixture();
    write(&root(&dir), "en/b.md", &chapter("b", 7, "## Deep\n"));
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("content/zh/b.md: `order` is 2 here but 7 in content/en/b.md")),
        "{msgs:?}"
    );
}

#[test]
fn broken_chapter_link_and_anchor_are_reported_with_lines() {
    let dir = fixture();
    write(
        &root(&dir),
        "en/a.md",
        &chapter(
            "a",
            1,
            "## Intro\n\nSee [x](nope.md).\n\nAnd [b](b.md#shallow).\n",
        ),
    );
    let msgs = messages(&dir);
    // Body starts on line 10 (9 front-matter lines), so the links sit on lines 12 and 14.
    assert!(
        msgs.iter()
            .any(|m| m == "content/en/a.md:12: link to chapter `nope`, which does not exist"),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m == "content/en/a.md:14: link to `b#shallow`, but that chapter has no heading with this anchor"),
        "{msgs:?}"
    );
}

#[test]
fn unknown_part_and_duplicate_order_are_reported() {
    let dir = fixture();
    let r = root(&dir);
    for lang in ["zh", "en"] {
        write(
            &r,
            &format!("{lang}/b.md"),
            &chapter("b", 1, "## Deep\n").replace("part: p1", "part: p9"),
        );
    }
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.contains("part `p9` is not listed in content/course.yaml (known: p1)")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("order 1 is also used by `a`")),
        "{msgs:?}"
    );
}

#[test]
fn code_block_without_language_is_reported_at_its_file_line() {
    let dir = fixture();
    write(
        &root(&dir),
        "zh/b.md",
        &chapter("b", 2, "## Deep\n\n```\nx\n```\n"),
    );
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("content/zh/b.md:12: code block without a language")),
        "{msgs:?}"
    );
}

#[test]
fn diagrams_with_scripts_or_handlers_are_refused() {
    let dir = fixture();
    let r = root(&dir);
    write(
        &r,
        "diagrams/bad.svg",
        "<svg viewBox=\"0 0 1 1\"><script>x()</script></svg>",
    );
    write(
        &r,
        "diagrams/handler.svg",
        "<svg viewBox=\"0 0 1 1\" onload =\"x()\"></svg>",
    );
    write(
        &r,
        "diagrams/ok.svg",
        "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 1 1\" role=\"img\"><title>t</title></svg>\n",
    );
    let msgs = messages(&dir);
    assert!(
        msgs.iter()
            .any(|m| m.contains("bad.svg: diagrams must not contain scripts")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("handler.svg: diagrams must not have event handler")),
        "{msgs:?}"
    );
    assert_eq!(msgs.len(), 2, "{msgs:?}");
}

#[test]
fn unknown_exercise_ids_are_reported_once_the_catalog_is_known() {
    let dir = fixture();
    let r = root(&dir);
    for lang in ["zh", "en"] {
        write(
            &r,
            &format!("{lang}/b.md"),
            &chapter("b", 2, "## Deep\n").replace("exercises: []", "exercises: [deployment, nope]"),
        );
    }
    let course = load(&r).expect("loads");
    let known: HashSet<String> = ["deployment".to_string()].into_iter().collect();
    let errors = check_exercises(&course, &known).expect_err("nope is unknown");
    let msgs: Vec<String> = errors.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "content/zh/b.md: exercise `nope` is not in the exercise catalog (content/exercises/)"
        ]
    );
}

#[test]
fn the_real_course_content_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    if let Err(errors) = load(&root) {
        panic!("content/ has problems:\n{errors}");
    }
}

/// Our lessons are written in our own words: no clause of 12+ Chinese characters may be copied
/// from the course's source notes (`../shared/seed/`, or `KUBELAB_SEED_DIR`).
#[test]
fn no_clause_is_copied_from_the_seed_notes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seed_dir = std::env::var_os("KUBELAB_SEED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/seed"));
    let Ok(entries) = fs::read_dir(&seed_dir) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "seed notes not found at {}: CI must compare content/ with them",
            seed_dir.display()
        );
        eprintln!(
            "note: no seed notes at {}; originality not checked",
            seed_dir.display()
        );
        return;
    };
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut clauses = HashSet::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "txt") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("seed is UTF-8");
        // Code is fact, prose is not: drop fenced blocks before comparing.
        let prose: String = text.split("```").step_by(2).collect::<Vec<_>>().join("\n");
        for clause in prose.split([
            '。', '！', '？', '；', '，', '、', '：', ',', ';', ':', '\n',
        ]) {
            let clause = clause.trim();
            if clause.chars().filter(|c| is_cjk(*c)).count() >= 12 {
                clauses.insert(clause.to_string());
            }
        }
    }
    assert!(
        !clauses.is_empty(),
        "no clauses read from {}",
        seed_dir.display()
    );
    let mut copied = Vec::new();
    let mut stack = vec![repo.join("content")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("content dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|x| x == "md" || x == "yaml" || x == "svg")
            {
                let text = fs::read_to_string(&path).expect("content is UTF-8");
                for clause in &clauses {
                    if text.contains(clause.as_str()) {
                        copied.push(format!("{}: {clause}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        copied.is_empty(),
        "copied from the seed notes; rewrite in our own words:\n{}",
        copied.join("\n")
    );
}
