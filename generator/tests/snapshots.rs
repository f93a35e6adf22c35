//! Snapshot tests: the model and the formatted output for `spec/customer_groups.yaml` and for
//! each valid fixture, and the one-line error for each invalid fixture.
//!
//! Review changes with `cargo insta review`; CI never writes snapshots.

use std::path::{Path, PathBuf};

use generator::{Error, GeneratedFile, Model, SpecFile, spec};

/// Reads a spec, naming it by `display` (the path `cargo xtask codegen` would use).
fn parse(file: &Path, display: &str) -> Result<SpecFile, Error> {
    let text = std::fs::read_to_string(file).unwrap();
    Ok(spec::parse(Path::new(display), &text)?)
}

/// Renders as `cargo xtask codegen` does: resources with feature gates, fixtures without.
fn generate(files: &[SpecFile], feature_gates: bool) -> (Model, Vec<GeneratedFile>) {
    let model = generator::lower(files).unwrap_or_else(|e| panic!("{e}"));
    let options = generator::Options { feature_gates };
    let output = generator::format(generator::render(&model, &options).unwrap()).unwrap();
    (model, output)
}

fn output<'a>(files: &'a [GeneratedFile], name: &str) -> &'a str {
    &files.iter().find(|f| f.name == name).unwrap().contents
}

#[test]
fn customer_groups() {
    let file = parse(
        Path::new("../spec/customer_groups.yaml"),
        "spec/customer_groups.yaml",
    )
    .unwrap();
    let (model, files) = generate(&[file], true);
    insta::assert_yaml_snapshot!("customer_groups_model", model);
    insta::assert_snapshot!(
        "customer_groups_output",
        output(&files, "customer_groups.rs")
    );
    insta::assert_snapshot!("customer_groups_mod", output(&files, "mod.rs"));
}

/// The valid fixtures, loaded together (their relationships point at one another).
fn valid_fixtures() -> Vec<SpecFile> {
    generator::load(Path::new("tests/fixtures/valid")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn valid_fixtures_model_and_output() {
    let (model, files) = generate(&valid_fixtures(), false);
    assert_eq!(model.resources.len(), 9);
    for resource in &model.resources {
        insta::with_settings!({ snapshot_suffix => resource.type_name.as_str() }, {
            insta::assert_yaml_snapshot!("fixture_model", resource);
            insta::assert_snapshot!("fixture_output", output(&files, &resource.file_name));
        });
    }
}

#[test]
fn invalid_fixtures_fail_with_one_line_naming_the_place() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        let display = format!("tests/fixtures/invalid/{name}");
        let error = match parse(path, &display) {
            Ok(file) => generator::lower(&[file]).expect_err("the fixture must be invalid"),
            Err(error) => error,
        };
        let message = error.to_string();
        assert!(message.starts_with(&display), "{message}");
        assert_eq!(message.lines().count(), 1, "{message}");
        insta::assert_snapshot!(message);
    });
}

/// Every spec text lands in documentation or a string literal: the output has no identifier
/// the hostile fixture tries to add.
#[test]
fn spec_text_cannot_add_code() {
    let (_, files) = generate(&valid_fixtures(), false);
    let hostile = output(&files, "hostile.rs");
    let tokens: proc_macro2::TokenStream = hostile.parse().unwrap();
    let mut idents = Vec::new();
    collect_idents(tokens, &mut idents);
    for planted in [
        "evil",
        "doctest_evil",
        "indented_code_evil",
        "exit",
        "alert",
        "process",
    ] {
        assert!(
            !idents.iter().any(|i| i == planted),
            "`{planted}` became code"
        );
    }
    // The text is still there, as documentation.
    assert!(hostile.contains("/// } fn evil() { std::process::exit(1) }"));
    assert!(hostile.contains("Self::FnEvil => \"\\\"); fn evil() { (\\\"\""));
}

fn collect_idents(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => out.push(ident.to_string()),
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), out),
            _ => {}
        }
    }
}

/// Same input, same bytes: twice over, and whatever order the files arrive in.
#[test]
fn output_is_deterministic() {
    let mut files = valid_fixtures();
    let (first_model, first) = generate(&files, false);
    let (_, again) = generate(&files, false);
    files.reverse();
    let (reversed_model, reversed) = generate(&files, false);
    assert_eq!(first, again);
    assert_eq!(first, reversed);
    assert_eq!(first_model, reversed_model);
}

/// No input panics the generator: every truncation of every valid spec, and every line of
/// each replaced by junk, either generates or fails with one-line errors naming the file.
#[test]
fn no_input_panics() {
    let mut specs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/valid")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.push(PathBuf::from("../spec/customer_groups.yaml"));
    specs.sort();
    let junk = [
        "",
        ":",
        "- -",
        "{",
        "]",
        "a: [b",
        "type: enum",
        "\"\\",
        "!!binary x",
        "*a",
        "&a b",
    ];
    let mut runs = 0;
    for path in specs {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut variants: Vec<String> = text
            .char_indices()
            .map(|(i, _)| text[..i].to_string())
            .collect();
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            for j in junk {
                let mut changed = lines.clone();
                changed[i] = j;
                variants.push(changed.join("\n"));
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for variant in variants {
            runs += 1;
            let result = spec::parse(Path::new(&name), &variant)
                .map_err(Error::from)
                .and_then(|file| generator::lower(&[file]))
                .and_then(|model| {
                    let options = generator::Options {
                        feature_gates: true,
                    };
                    generator::format(generator::render(&model, &options)?)
                });
            if let Err(error) = result {
                for line in error.to_string().lines() {
                    assert!(line.starts_with(&name), "{line}");
                }
            }
        }
    }
    assert!(runs > 5_000, "{runs}");
}

/// Every "a" and "an" in the generated docs (the generator's sentences and the specs'
/// prose) is the one the next word takes: "an order", "an [`Address`]", "a unique code".
#[test]
fn docs_use_the_article_the_next_word_takes() {
    let model = generator::lower(&generator::load(Path::new("../spec")).unwrap()).unwrap();
    let options = generator::Options {
        feature_gates: true,
    };
    let mut files = generator::render(&model, &options).unwrap();
    let (_, fixtures) = generate(&valid_fixtures(), false);
    files.extend(fixtures);
    let mut checked = 0;
    for file in &files {
        for line in file.contents.lines().filter(|l| l.contains("doc = ")) {
            let words: Vec<&str> = line.split(' ').collect();
            for pair in words.windows(2) {
                let article = pair[0].trim_start_matches(['"', '(']);
                if !["a", "A", "an", "An"].contains(&article) || pair[1].is_empty() {
                    continue;
                }
                checked += 1;
                assert_eq!(
                    article.to_lowercase(),
                    generator::naming::article(pair[1]),
                    "{}: `{article} {}` in {line}",
                    file.name,
                    pair[1]
                );
            }
        }
    }
    assert!(checked > 1_000, "{checked}");
}
