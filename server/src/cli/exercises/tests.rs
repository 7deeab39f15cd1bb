use super::*;

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn catalog() -> Catalog {
    load_catalog(&content_dir()).expect("the real catalog loads")
}

#[test]
fn real_catalog_loads_every_spec_file() {
    let files = std::fs::read_dir(content_dir().join("exercises"))
        .expect("exercise dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        })
        .count();
    assert!(files > 0);
    assert_eq!(catalog().len(), files);
}

#[test]
fn catalog_parse_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("exercises")).expect("mkdir");
    std::fs::write(
        dir.path().join("exercises/broken.yaml"),
        "id: broken\nkind: quiz\ntitle: { zh: a, en: b\n",
    )
    .expect("write");
    let err = load_catalog(dir.path()).expect_err("broken spec is refused");
    let text = err.to_string();
    assert!(text.contains("broken.yaml:"), "{text}");
    let after = text.split("broken.yaml:").nth(1).unwrap_or_default();
    let mut parts = after.splitn(3, ':');
    let line = parts.next().unwrap_or_default();
    let column = parts.next().unwrap_or_default();
    assert!(line.parse::<u32>().is_ok(), "line in {text}");
    assert!(column.parse::<u32>().is_ok(), "column in {text}");
}

#[test]
fn missing_exercise_directory_is_a_readable_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = load_catalog(dir.path()).expect_err("no exercises dir");
    assert!(err.to_string().contains("exercise directory"), "{err}");
}

const GOOD_DOCKERFILE: &str = "FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\nRUN echo ok && echo done\nEXPOSE 80\n";
const BAD_DOCKERFILE: &str = "FROM nginx:latest\nCOPY ../secret /x\nRUN a\nRUN b\n";

fn write_temp(text: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    std::io::Write::write_all(&mut f, text).expect("write");
    f
}

fn validate_args(id: &str, file: &Path) -> ValidateArgs {
    ValidateArgs {
        id: id.to_string(),
        file: file.to_path_buf(),
        output: OutputArgs {
            json: false,
            lang: OutLang::En,
        },
        content: ContentArgs {
            content: content_dir(),
        },
    }
}

#[test]
fn good_dockerfile_validates_as_passed() {
    let f = write_temp(GOOD_DOCKERFILE.as_bytes());
    let v = run_validate(&catalog(), &validate_args("dockerfile", f.path()))
        .unwrap_or_else(|p| panic!("{}", p.message.en));
    assert!(v.passed, "{v:#?}");
}

#[test]
fn bad_dockerfile_renders_failures_with_field_expected_and_hint_in_both_languages() {
    let f = write_temp(BAD_DOCKERFILE.as_bytes());
    let v = run_validate(&catalog(), &validate_args("dockerfile", f.path()))
        .unwrap_or_else(|p| panic!("{}", p.message.en));
    assert!(!v.passed);
    let en = render_verdict(&v, OutLang::En);
    assert!(en.contains("✗ base-image"), "{en}");
    assert!(en.contains("    hint: "), "{en}");
    assert!(en.contains("FAIL: "), "{en}");
    let zh = render_verdict(&v, OutLang::Zh);
    assert!(zh.contains("    提示: "), "{zh}");
    assert!(zh.contains("未通过"), "{zh}");
}

#[test]
fn validate_refuses_unknown_id_cluster_only_exercise_and_oversized_input() {
    let f = write_temp(GOOD_DOCKERFILE.as_bytes());
    let p = run_validate(&catalog(), &validate_args("no-such-exercise", f.path()))
        .expect_err("unknown id");
    assert_eq!((p.code, p.exit), ("unknown-exercise", EXIT_ERROR));

    let p = run_validate(&catalog(), &validate_args("service-clusterip", f.path()))
        .expect_err("cluster-only exercise");
    assert_eq!((p.code, p.exit), ("not-offline", EXIT_ERROR));
    assert!(
        p.message.en.contains("kubelab check service-clusterip"),
        "{}",
        p.message.en
    );

    let big = write_temp(&vec![b'#'; MAX_INPUT_BYTES + 1]);
    let p =
        run_validate(&catalog(), &validate_args("dockerfile", big.path())).expect_err("over 1 MiB");
    assert_eq!((p.code, p.exit), ("too-large", EXIT_ERROR));

    let p = run_validate(
        &catalog(),
        &validate_args("dockerfile", Path::new("/nonexistent/Dockerfile")),
    )
    .expect_err("unreadable file");
    assert_eq!((p.code, p.exit), ("unreadable-input", EXIT_ERROR));
}

#[test]
fn unparsable_submission_is_a_failure_with_its_position() {
    let f = write_temp(b"apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n");
    let p = run_validate(&catalog(), &validate_args("pod-yaml", f.path()))
        .expect_err("YAML syntax error");
    assert_eq!((p.code, p.exit), ("invalid-input", EXIT_FAIL));
    assert!(p.message.en.starts_with("line "), "{}", p.message.en);
    assert!(p.message.zh.starts_with('第'), "{}", p.message.zh);
}

#[test]
fn every_input_error_has_both_languages() {
    let errors = [
        InputError::TooLarge { size: 2, limit: 1 },
        InputError::Empty,
        InputError::NotUtf8 { line: 1, column: 2 },
        InputError::Binary {
            line: 1,
            column: 1,
            byte: 0,
        },
        InputError::Syntax {
            line: 3,
            column: 4,
            message: "x".into(),
        },
        InputError::TooComplex {
            line: 1,
            column: 5,
            message: "z".into(),
        },
        InputError::Answers {
            message: "y".into(),
        },
        InputError::NotOffline {
            exercise: "service-clusterip".into(),
        },
    ];
    for e in &errors {
        let t = e.text();
        assert!(!t.zh.trim().is_empty() && !t.en.trim().is_empty(), "{e:?}");
        assert_ne!(t.zh, t.en, "{e:?}");
    }
}
