//! No code: this crate exists for its `Cargo.toml`, which turns on, in every build of the
//! client's tests, examples and benches, the dependency features the rest of the workspace
//! turns on, so that those builds reuse what `cargo test --workspace --all-features` built.
