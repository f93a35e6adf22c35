//! A typed, async client for the [Commerce Layer](https://commercelayer.io) API.
//!
//! Commerce Layer is a headless-commerce REST API that speaks JSON:API. This crate gives
//! each resource its own module (such as `customer_groups`) with typed attributes,
//! create and update bodies whose required attributes are constructor arguments, and
//! typed query options; and one [`Client`] that sends it all.
//!
//! ```no_run
//! use commercelayer::Client;
//! use commercelayer::customer_groups::{CustomerGroupCreate, CustomerGroupFilter, CustomerGroupSort};
//! use commercelayer::query::FilterField;
//!
//! # async fn run() -> commercelayer::Result<()> {
//! let client = Client::builder()
//!     .organization("acme")
//!     .access_token("your-access-token")
//!     .build()?;
//!
//! let vip = client
//!     .customer_groups()
//!     .create(&CustomerGroupCreate::new("VIP"))
//!     .await?
//!     .data;
//! println!("created {} ({:?})", vip.id, vip.meta.mode);
//!
//! let page = client
//!     .customer_groups()
//!     .list()
//!     .filter(CustomerGroupFilter::Name.cont("VIP"))
//!     .sort_desc(CustomerGroupSort::CreatedAt)
//!     .page_size(25)
//!     .await?;
//! println!("{} groups in {} pages", page.meta.record_count, page.meta.page_count);
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//!
//! The resource modules are generated from `spec/*.yaml` by `cargo xtask codegen` and
//! never edited by hand. Everything else (the client, calls, errors, query encoding,
//! JSON:API building blocks) is the hand-written runtime they share.

mod auth;
mod bulk;
mod call;
pub mod callbacks;
mod checked;
mod client;
pub mod error;
pub mod jsonapi;
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
pub use {futures_util, reqwest, serde_json};
// Each resource module is behind its feature; with none enabled there is nothing to re-export.
#[allow(unused_imports)]
pub use resources::*;
pub use retry::{
    DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER,
    RateLimit,
};
