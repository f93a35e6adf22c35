//! `cargo xtask <task>`: the project's maintenance tasks. This file only dispatches.

mod bench_compile;
mod codegen;
mod import;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [--spec DIR] [--out DIR] [--check]
      regenerate everything the generator makes from spec/: the resource
      modules, their cargo features, the conformance tests and the
      fixtures' modules; --spec reads other specs; --out writes only the
      resource modules, into another folder; with --check, write nothing
      and fail if any generated file is stale, missing or extra
  import [--from FILE] [--out DIR] [--check]
      write one spec per resource of the vendor catalogue (default: the
      committed xtask/catalogue/resources-7.9.16.json; FILE may also be the
      vendor's /api/public/resources answer as downloaded) into spec/, with
      the corrections of xtask/overlay.yaml; --check compares only
  bench-compile
      measure clean and crate-only builds of the generated crate (all
      features, and customer_groups alone): wall time and peak memory";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("import") => import::run(&args[1..]),
        Some("bench-compile") => bench_compile::run(&args[1..]),
        Some("__measure") => bench_compile::measure(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    /// The usage names the catalogue `import` reads by default.
    #[test]
    fn usage_names_the_default_catalogue() {
        assert!(super::USAGE.contains(super::import::CATALOGUE));
    }
}
