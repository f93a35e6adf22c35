// The crate's documentation is its README (`generated/README.md`, shown by crates.io), so
// the program it shows is compiled as a doc-test and cannot drift; the workspace's README
// shows the same program, and a test in `xtask/tests` checks that the two agree.
#![doc = include_str!("../README.md")]
// On docs.rs (which passes `--cfg docsrs`), items behind a feature say which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
mod bulk;
mod call;
pub mod callbacks;
mod checked;
mod client;
pub mod error;
pub mod jsonapi;
pub mod object;
pub mod pacing;
mod prelude;
pub mod query;
mod redact;
mod retry;
mod support;
#[cfg(feature = "testing")]
pub mod testing;
mod trace;
mod transport;

#[rustfmt::skip]
mod resources;

/// The generator's valid fixtures (`generator/tests/fixtures/valid`), generated like the
/// resources and compiled with the tests: proof that every case they exercise compiles.
#[cfg(test)]
#[rustfmt::skip]
mod test_fixtures;

/// What the generated types refuse at compile time: `compile_fail` doc-tests, each beside
/// the corrected code (`tests/compile_fail.md`). Only doc-tests see this module.
#[cfg(all(doctest, feature = "customer_groups"))]
#[doc = include_str!("../tests/compile_fail.md")]
mod compile_fail {}

pub use auth::DEFAULT_AUTH_URL;
pub use bulk::{Batch, DEFAULT_BATCH_CONCURRENCY};
pub use call::{
    CallFuture, DeleteCall, Document, ItemCall, ListCall, ListMeta, Page, PageLinks, RawRequest,
    RawResponse,
};
pub use client::{Client, ClientBuilder, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, JSON_API};
pub use error::{ApiError, Error, ErrorSource, RequestLine, Result};
pub use pacing::{ApiMode, Pacing};
pub use transport::DEFAULT_MAX_RESPONSE_SIZE;

// What the API takes and gives that comes from other crates, so that using it needs no
// other dependency: header names and values for `.header(...)`, the `StatusCode` of
// `Error::status()` and the `Method` of `Error::request()`, `StreamExt` and `TryStreamExt`
// to read `.stream()`, `.pages()` and `.all()`, the `HeaderMap` and `Bytes` of a
// `RawResponse`, and serde_json's `json!`, `Map` and `Value` (metadata, untyped attributes).
// The crates themselves are re-exported too, for the rest.
pub use bytes::Bytes;
pub use futures_util::{Stream, StreamExt, TryStreamExt};
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Method, StatusCode};
pub use serde_json::{Map, Value, json};
pub use {chrono, futures_util, reqwest, serde_json};
// Each resource module is behind its feature; with none enabled there is nothing to re-export.
#[allow(unused_imports)]
pub use resources::*;
pub use retry::{
    DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER,
    RateLimit,
};
