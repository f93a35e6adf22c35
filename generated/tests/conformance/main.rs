//! Conformance tests for every resource: `resources.rs` is generated from the specs by
//! `cargo xtask codegen`; `harness.rs` is the hand-written harness it calls.

mod harness;

#[rustfmt::skip]
mod resources;
