//! The axum integration (feature `axum`): [`Event`] and [`External`] are extractors that
//! verify and parse a callback, refusing it (`401` on a bad signature) before the handler
//! runs; the replies and [`Rejection`] are responses.
//!
//! The extractors find the [`Receiver`] (the secrets and the body limit) in the router's
//! state: the state itself, or any state it can be taken from ([`FromRef`]).
//!
//! ```no_run
//! # #[cfg(all(feature = "orders", feature = "line_items"))]
//! # mod example {
//! use axum::Router;
//! use axum::routing::post;
//! use commercelayer::callbacks::axum::External;
//! use commercelayer::callbacks::external::{PriceData, Prices, Reply};
//! use commercelayer::callbacks::{Event, Receiver};
//! use commercelayer::line_items::LineItem;
//! use commercelayer::orders::Order;
//!
//! async fn webhook(event: Event) -> axum::http::StatusCode {
//!     if let Ok(order) = event.decode::<Order>() {
//!         println!("{} {}", event.topic(), order.data.id);
//!     }
//!     axum::http::StatusCode::OK
//! }
//!
//! async fn price(External { document, .. }: External<Prices, LineItem>) -> Reply<PriceData> {
//!     let sku = document.data.attributes.sku_code.unwrap_or_default();
//!     Reply::Success(PriceData::new(sku, 4900))
//! }
//!
//! fn app() -> Router {
//!     Router::new()
//!         .route("/webhooks", post(webhook))
//!         .route("/prices", post(price))
//!         .with_state(Receiver::new("your-shared-secret"))
//! }
//! # }
//! ```

use std::marker::PhantomData;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::request::Parts;

use super::event::Event;
use super::external::{ExternalCallback, PaymentReply, Reply, Respond, ValidationReply};
use super::serve::{Receiver, Rejection};
use crate::call::Document;
use crate::jsonapi::{GenericResource, Resource};

/// An external callback of kind `C`, verified, its payload decoded as `Document<T>` (a
/// [`GenericResource`] unless given).
#[derive(Debug)]
#[non_exhaustive]
pub struct External<C, T = GenericResource> {
    /// The payload.
    pub document: Document<T>,
    kind: PhantomData<fn() -> C>,
}

impl<C, T> External<C, T> {
    /// The payload, dropping the wrapper.
    pub fn into_document(self) -> Document<T> {
        self.document
    }
}

impl<S> FromRequest<S> for Event
where
    S: Send + Sync,
    Receiver: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let receiver = Receiver::from_ref(state);
        let (parts, body) = read(request, receiver.max_body_bytes()).await?;
        receiver.webhook(&parts, body)
    }
}

impl<S, C, T> FromRequest<S> for External<C, T>
where
    S: Send + Sync,
    Receiver: FromRef<S>,
    C: ExternalCallback,
    T: Resource,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let receiver = Receiver::from_ref(state);
        let (parts, body) = read(request, receiver.max_body_bytes()).await?;
        let document = receiver.external_document::<C, T>(&parts, body)?;
        Ok(External {
            document,
            kind: PhantomData,
        })
    }
}

/// Reads a request's body, refusing it as soon as it grows past `limit` (or declares more in
/// `Content-Length`), so a hostile sender cannot make the service buffer more.
async fn read(request: Request, limit: usize) -> Result<(Parts, Bytes), Rejection> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(Rejection::TooLarge { limit });
    }
    let bytes = collect(body, limit).await?;
    Ok((parts, bytes))
}

async fn collect(body: Body, limit: usize) -> Result<Bytes, Rejection> {
    let mut stream = body.into_data_stream();
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut length = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| Rejection::Unreadable(error.to_string()))?;
        length = length.saturating_add(chunk.len());
        if length > limit {
            return Err(Rejection::TooLarge { limit });
        }
        chunks.push(chunk);
    }
    if chunks.len() == 1 {
        return Ok(chunks.swap_remove(0));
    }
    let mut body = BytesMut::with_capacity(length);
    for chunk in &chunks {
        body.extend_from_slice(chunk);
    }
    Ok(body.freeze())
}

fn to_axum(response: http::Response<Bytes>) -> Response {
    response.map(Body::from)
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        to_axum(Rejection::into_response(self))
    }
}

impl<D: serde::Serialize> IntoResponse for Reply<D> {
    fn into_response(self) -> Response {
        to_axum(Respond::into_response(self))
    }
}

impl IntoResponse for ValidationReply {
    fn into_response(self) -> Response {
        to_axum(Respond::into_response(self))
    }
}

impl IntoResponse for PaymentReply {
    fn into_response(self) -> Response {
        to_axum(Respond::into_response(self))
    }
}
