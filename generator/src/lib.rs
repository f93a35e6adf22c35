//! The Commerce Layer client generator: resource specs in, Rust modules out.
//!
//! The pipeline, one public function per stage so tests can stop at any of them:
//!
//! ```text
//! spec/*.yaml --load--> [SpecFile] --lower--> Model --render--> [Rendered] --format--> [GeneratedFile]
//! ```
//!
//! - [`load()`] reads and parses the YAML ([`spec`]), recording where each key sits;
//! - [`lower()`] validates it into the [`model`], every error with file, line and column,
//!   derives every member each module will define ([`members`]) and refuses clashes
//!   ([`clashes`], [`reserved`]);
//! - [`render()`] runs the askama templates of `templates/` ([`mod@render`], [`docs`]);
//! - [`format()`] parses the result with syn, prints it with prettyplease and adds the banner.
//!
//! Every output the generator makes, and where it goes, is on one screen: [`workspace()`].
//! Same input, same bytes: the model is sorted and nothing iterates a hash map into output.

pub mod clashes;
pub mod conformance;
pub mod docs;
pub mod error;
pub mod format;
pub mod lower;
pub mod members;
pub mod model;
pub mod naming;
pub mod render;
pub mod reserved;
pub mod spec;

use std::path::{Path, PathBuf};

pub use error::{Error, Location, Result, SpecError};
pub use model::Model;
pub use render::Options;
pub use spec::SpecFile;

/// The API's specs, relative to the workspace root.
pub const SPEC_DIR: &str = "spec";

/// The generator's valid fixtures, relative to the workspace root.
pub const FIXTURES_DIR: &str = "generator/tests/fixtures/valid";

/// The client's resource modules, relative to the workspace root.
pub const RESOURCES_DIR: &str = "generated/src/resources";

/// Each resource module behind a cargo feature named after its type.
const GATED: Options = Options {
    feature_gates: true,
};

/// No feature gates: the fixtures are compiled with the client's tests whatever its features.
const UNGATED: Options = Options {
    feature_gates: false,
};

/// A generated file: its name inside the output folder and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The file name (`customer_groups.rs`, `mod.rs`).
    pub name: String,
    /// The spec it came from, for the banner (`spec/customer_groups.yaml`), or `spec/` for
    /// files that gather every resource.
    pub source: String,
    /// The text: unformatted after [`render()`], final after [`format()`].
    pub contents: String,
}

/// One output of the generator, and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A folder whose generated files are exactly these: a generated file no spec produces
    /// any more is removed, a hand-written one is left alone.
    Folder {
        /// The folder.
        path: PathBuf,
        /// Its generated files.
        files: Vec<GeneratedFile>,
    },
    /// The block of a manifest's `[features]` table below its `@generated` marker.
    Features {
        /// The manifest (`Cargo.toml`).
        manifest: PathBuf,
        /// The entries, one per line.
        text: String,
    },
}

/// Everything `cargo xtask codegen` writes into the workspace at `root`, from the specs in
/// `spec` (relative to `root`; normally [`SPEC_DIR`]).
pub fn workspace(root: &Path, spec: &Path) -> Result<Vec<Output>> {
    let api = load_and_lower(root, spec)?;
    let fixtures = load_and_lower(root, Path::new(FIXTURES_DIR))?;
    let folder = |path: &str, files| Output::Folder {
        path: root.join(path),
        files,
    };
    Ok(vec![
        folder(RESOURCES_DIR, modules(&api, &GATED)?),
        Output::Features {
            manifest: root.join("generated/Cargo.toml"),
            text: render::features_toml(&api),
        },
        folder(
            "generated/tests/conformance",
            vec![conformance_tests(&api)?],
        ),
        folder("generated/src/test_fixtures", modules(&fixtures, &UNGATED)?),
    ])
}

/// The resource modules alone, from `spec` into the folder `out`
/// (`cargo xtask codegen --spec DIR --out DIR`): another folder is another crate, whose
/// manifest and tests are not the generator's to write.
pub fn modules_into(root: &Path, spec: &Path, out: &Path) -> Result<Vec<Output>> {
    let model = load_and_lower(root, spec)?;
    Ok(vec![Output::Folder {
        path: root.join(out),
        files: modules(&model, &GATED)?,
    }])
}

/// Stage 1: reads every `*.yaml` spec in `dir`.
pub fn load(dir: &Path) -> Result<Vec<SpecFile>> {
    spec::load_dir(dir)
}

/// Stage 2: validates the specs into the model.
pub fn lower(files: &[SpecFile]) -> Result<Model> {
    lower::lower(files)
}

/// Stage 3: renders the model through the templates; the text is not formatted yet.
pub fn render(model: &Model, options: &Options) -> Result<Vec<GeneratedFile>> {
    let mut files = Vec::with_capacity(model.resources.len() + 1);
    for resource in &model.resources {
        files.push(GeneratedFile {
            name: resource.file_name.clone(),
            source: resource.source.clone(),
            contents: render::render_resource(resource, options)?,
        });
    }
    let folder = model
        .resources
        .first()
        .and_then(|r| r.source.rsplit_once('/'))
        .map_or_else(|| "the specs".to_string(), |(dir, _)| format!("{dir}/"));
    files.push(GeneratedFile {
        name: "mod.rs".to_string(),
        source: folder,
        contents: render::render_mod(model, options)?,
    });
    Ok(files)
}

/// Stage 4: parses, pretty-prints and bans each rendered file.
pub fn format(files: Vec<GeneratedFile>) -> Result<Vec<GeneratedFile>> {
    files
        .into_iter()
        .map(|file| {
            let formatted = format::format_source(&file.name, &file.contents)?;
            Ok(GeneratedFile {
                contents: format!("{}{formatted}", format::banner(&file.source)),
                ..file
            })
        })
        .collect()
}

/// The resource modules and their `mod.rs`, formatted: stages 3 and 4.
pub fn modules(model: &Model, options: &Options) -> Result<Vec<GeneratedFile>> {
    format(render(model, options)?)
}

/// The conformance tests of every resource (`generated/tests/conformance/resources.rs`),
/// formatted.
pub fn conformance_tests(model: &Model) -> Result<GeneratedFile> {
    let contents = conformance::render(model)?;
    let formatted = format::format_source("conformance/resources.rs", &contents)?;
    Ok(GeneratedFile {
        name: "resources.rs".to_string(),
        source: "spec/".to_string(),
        contents: format!("{}{formatted}", format::banner("the specs")),
    })
}

/// Every stage for the specs in `spec_dir`: the model, and the resource modules.
pub fn generate(spec_dir: &Path, options: &Options) -> Result<(Model, Vec<GeneratedFile>)> {
    let model = lower(&load(spec_dir)?)?;
    let generated = modules(&model, options)?;
    Ok((model, generated))
}

/// Stages 1 and 2 for the specs in `dir` (relative to `root`, or absolute), naming each
/// file inside `root` by its path from there (`spec/customer_groups.yaml`), in banners and
/// in errors alike, wherever the process runs.
fn load_and_lower(root: &Path, dir: &Path) -> Result<Model> {
    let relative = |path: &Path| {
        path.strip_prefix(root)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    };
    let mut files = match load(&root.join(dir)) {
        Ok(files) => files,
        Err(Error::Spec(errors)) => {
            let errors = errors.into_iter().map(|mut error| {
                error.location.file = relative(&error.location.file);
                error
            });
            return Err(Error::Spec(errors.collect()));
        }
        Err(Error::Io { path, source }) => {
            return Err(Error::Io {
                path: relative(&path),
                source,
            });
        }
        Err(other) => return Err(other),
    };
    for file in &mut files {
        file.path = relative(&file.path);
    }
    lower(&files)
}
