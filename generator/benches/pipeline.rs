//! What generating costs, end to end (read, parse, validate, render, format):
//! `cargo bench -p commercelayer-codegen --bench pipeline`.
//!
//! divan prints the figures for `spec/customer_groups.yaml` alone and for the whole `spec/`
//! folder, and a per-stage breakdown of the whole folder, so a slow run says where the time
//! goes.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use generator::{Options, SpecFile};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

const OPTIONS: Options = Options {
    feature_gates: true,
};

/// Every stage for one file: read, parse, validate, render, format.
#[divan::bench]
fn customer_groups(b: divan::Bencher) {
    let path = spec_dir().join("customer_groups.yaml");
    b.bench(|| {
        let text = std::fs::read_to_string(black_box(&path)).unwrap();
        let file = generator::spec::parse(Path::new("spec/customer_groups.yaml"), &text).unwrap();
        let model = generator::lower(&[file]).unwrap();
        generator::format(generator::render(&model, &OPTIONS).unwrap()).unwrap()
    });
}

/// Every stage for every spec in `spec/`.
#[divan::bench]
fn whole_api(b: divan::Bencher) {
    let dir = spec_dir();
    b.bench(|| generator::generate(black_box(&dir), &OPTIONS).unwrap());
}

/// The whole folder, one stage at a time.
mod whole_api_stages {
    use super::*;

    fn loaded() -> Vec<SpecFile> {
        generator::load(&spec_dir()).unwrap()
    }

    #[divan::bench]
    fn load(b: divan::Bencher) {
        let dir = spec_dir();
        b.bench(|| generator::load(black_box(&dir)).unwrap());
    }

    #[divan::bench]
    fn lower(b: divan::Bencher) {
        let files = loaded();
        b.bench(|| generator::lower(black_box(&files)).unwrap());
    }

    #[divan::bench]
    fn render(b: divan::Bencher) {
        let model = generator::lower(&loaded()).unwrap();
        b.bench(|| generator::render(black_box(&model), &OPTIONS).unwrap());
    }

    #[divan::bench]
    fn format(b: divan::Bencher) {
        let model = generator::lower(&loaded()).unwrap();
        let rendered = generator::render(&model, &OPTIONS).unwrap();
        b.with_inputs(|| rendered.clone())
            .bench_values(|files| generator::format(files).unwrap());
    }
}

fn main() {
    divan::main();
}
