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

use std::path::Path;

pub use error::{Error, Location, Result, SpecError};
pub use model::Model;
pub use render::Options;
pub use spec::SpecFile;

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

/// The whole pipeline: the model, and the files to write into the generated crate's
/// `src/resources/`.
pub fn generate(spec_dir: &Path, options: &Options) -> Result<(Model, Vec<GeneratedFile>)> {
    let files = load(spec_dir)?;
    let model = lower(&files)?;
    let generated = format(render(&model, options)?)?;
    Ok((model, generated))
}
