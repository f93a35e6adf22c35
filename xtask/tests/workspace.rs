//! Checks on the workspace as a whole: the README's program is the doc-tested one, the client
//! packages on its own, a clone needs nothing beside it, and the client's dev builds reuse
//! what `cargo test --workspace --all-features` built.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

/// Cargo, as the one running these tests.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs `command`, failing the test with its stderr unless it succeeds; its stdout.
fn output(mut command: Command) -> String {
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The first fenced `rust` block under the heading `heading` of a Markdown file, fences
/// included.
fn rust_block_under(file: &str, heading: &str) -> String {
    let text = fs::read_to_string(root().join(file)).expect(file);
    let mut lines = text
        .lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .skip_while(|line| !line.starts_with("```rust"));
    let opening = lines
        .next()
        .unwrap_or_else(|| panic!("{file}: no rust block under `{heading}`"));
    let mut block = vec![opening];
    for line in lines {
        block.push(line);
        if line == "```" {
            return block.join("\n");
        }
    }
    panic!("{file}: the rust block under `{heading}` is not closed");
}

// The README's "Using the client" program is the crate README's, which is the crate's
// documentation and so compiled as a doc-test (no_run: it would call the real API).
#[test]
fn the_readme_program_is_the_doc_tested_one() {
    let heading = "## Using the client";
    let crate_block = rust_block_under("generated/README.md", heading);
    assert!(
        crate_block.starts_with("```rust,no_run\n") && crate_block.contains("#[tokio::main]"),
        "the crate README's program must be a complete, compiled program:\n{crate_block}"
    );
    assert_eq!(
        rust_block_under("README.md", heading),
        crate_block,
        "README.md's program differs from generated/README.md's: copy the crate README's"
    );
    let lib = fs::read_to_string(root().join("generated/src/lib.rs")).expect("lib.rs");
    assert!(
        lib.contains(r#"#![doc = include_str!("../README.md")]"#),
        "lib.rs no longer documents the crate with its README, so its program is not compiled"
    );
}

// The package holds its README and licences, and no path outside it.
#[test]
fn the_client_packages_on_its_own() {
    let mut command = cargo();
    command.args([
        "package",
        "--list",
        "--allow-dirty",
        "--offline",
        "-p",
        "commercelayer",
    ]);
    let listed = output(command);
    let files: BTreeSet<&str> = listed.lines().collect();
    for expected in [
        "Cargo.toml",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/lib.rs",
        "src/resources/customer_groups.rs",
        "tests/compile_fail.md",
        "examples/create_customer_group.rs",
    ] {
        assert!(
            files.contains(expected),
            "{expected} is not packaged: {files:?}"
        );
    }
    assert!(
        files.iter().all(|file| !file.starts_with("..")),
        "{files:?}"
    );
}

// No tracked text refers to a folder beside the clone (the vendor data once lived in one).
#[test]
fn a_clone_needs_nothing_beside_it() {
    let needle = format!("../{}", "shared");
    let mut offenders = Vec::new();
    let mut folders = vec![root()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let hidden = name.starts_with('.') && name != ".ci" && name != ".cargo";
            if name == "target" || hidden {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(text) = fs::read_to_string(&path)
                && text.contains(&needle)
            {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(offenders.is_empty(), "{needle} in {offenders:?}");
}

/// Each package of `cargo tree` with the given arguments -> the feature sets it is built
/// with (more than one when a build dependency and a normal one differ).
fn features(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut command = cargo();
    command
        .args([
            "tree",
            "--frozen",
            "-e",
            "normal,build,dev",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}|{f}"])
        .args(args);
    let mut packages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in output(command).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `(*)` marks a package already shown; its features are the same.
        let features = features.trim_end_matches(" (*)").trim().to_string();
        packages
            .entry(package.trim().to_string())
            .or_default()
            .insert(features);
    }
    packages
}

// Every dependency of the client's tests and example is built with the features
// `cargo test --workspace --all-features` builds it with, so `cargo run -p commercelayer
// --example ...` after it reuses its build (see xtask/workspace-hack/Cargo.toml).
#[test]
fn dev_builds_share_the_workspace_features() {
    let workspace = features(&["--workspace", "--all-features"]);
    let client = features(&["-p", "commercelayer"]);
    let mut differences = Vec::new();
    for (package, sets) in &client {
        for set in sets {
            if !workspace
                .get(package)
                .is_some_and(|known| known.contains(set))
            {
                differences.push(format!(
                    "{package}: built with [{set}] by the client alone, with {:?} by the workspace",
                    workspace.get(package)
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "turn the missing features on for the client's dev builds: a dependency's in \
         xtask/workspace-hack/Cargo.toml, the client's own in its self dev-dependency in \
         generated/Cargo.toml:\n{}",
        differences.join("\n")
    );
}

// `cargo xtask codegen --check` and `cargo xtask import --check` pass on the committed tree:
// the generated code is what the specs give, and the specs what the committed catalogue and
// overlay give. (Run here, on the binary this `cargo test` built, rather than as CI steps of
// their own: `cargo xtask` alone resolves dependency features differently and would rebuild
// them.)
#[test]
fn the_committed_code_and_specs_are_fresh() {
    for task in ["codegen", "import"] {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([task, "--check"])
            .current_dir(root())
            .output()
            .expect("xtask runs");
        assert!(
            output.status.success(),
            "`cargo xtask {task} --check` failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
