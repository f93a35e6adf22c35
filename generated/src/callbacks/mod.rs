//! Webhooks and external callbacks: the calls Commerce Layer makes to its user's service,
//! verified, typed and easy to serve.
//!
//! - **Verification** ([`verify`], [`Verifier`]): every call carries
//!   `X-CommerceLayer-Signature`, the base64 HMAC-SHA256 of the raw body with the shared
//!   secret of the webhook or external resource. It is checked in constant time, against one
//!   or several secrets (while one is rotated); a missing, malformed or wrong signature is a
//!   distinct [`SignatureError`].
//! - **Webhooks** ([`Event`]): the topic (`X-CommerceLayer-Topic`, such as `orders.place`)
//!   and the body, a JSON:API document of the topic's resource, decoded on request into the
//!   same [`Document`](crate::Document) the client returns (`event.decode::<Order>()`). Any
//!   `{resource}.{event}` topic parses; one whose resource has no type in this build decodes
//!   as a [`GenericResource`](crate::jsonapi::GenericResource).
//! - **External resources** ([`external`]): the payload and answer of each callback the
//!   vendor documents (prices, taxes, shipping costs, order validation, promotions, payment
//!   gateways), so that a service is a function from a typed document to a typed reply.
//! - **Serving** ([`Receiver`]): without a framework, from [`http::request::Parts`] and the
//!   body to an [`http::Response`]; with the `axum` feature, extractors that refuse a bad
//!   signature with `401` before the handler runs (`callbacks::axum`).
//!
//! This module needs no resource feature: with none, webhooks decode as generic resources.
//!
//! ```
//! use commercelayer::callbacks::{Receiver, SignatureError};
//! use commercelayer::jsonapi::GenericResource;
//!
//! let receiver = Receiver::new("s3cret");
//! let body = br#"{"data":{"id":"xYZkjABcde","type":"orders"}}"#;
//! // What Commerce Layer sends: printf %s BODY | openssl dgst -sha256 -hmac s3cret -binary | base64
//! let request = http::Request::post("/webhooks")
//!     .header("X-CommerceLayer-Topic", "orders.place")
//!     .header("X-CommerceLayer-Signature", "PZtin6uxv0T3spLeAvI6STcQrafrMxMAaCBHoL+QMcQ=")
//!     .body(())
//!     .unwrap();
//! let (parts, ()) = request.into_parts();
//!
//! let event = receiver.webhook(&parts, &body[..]).unwrap();
//! assert_eq!(event.topic(), "orders.place");
//! assert_eq!(event.decode::<GenericResource>()?.data.id, "xYZkjABcde");
//!
//! // A tampered body is refused, and the refusal says no more than `401 unauthorized`.
//! let rejection = receiver.webhook(&parts, &b"{}"[..]).unwrap_err();
//! assert_eq!(rejection.signature_error(), Some(SignatureError::Mismatch));
//! assert_eq!(rejection.into_response().status(), 401);
//! # Ok::<(), commercelayer::Error>(())
//! ```

#[cfg(feature = "axum")]
pub mod axum;
mod event;
pub mod external;
mod serve;
mod signature;
mod topic;

pub use event::{Event, Payload};
pub use serve::{DEFAULT_MAX_BODY, Receiver, Rejection};
pub use signature::{SignatureError, Verifier, verify};
pub use topic::Topic;

/// The header carrying the signature (HTTP header names are case-insensitive; the vendor
/// writes `X-CommerceLayer-Signature`).
pub const SIGNATURE_HEADER: &str = "x-commercelayer-signature";

/// The header carrying a webhook's topic (`X-CommerceLayer-Topic`).
pub const TOPIC_HEADER: &str = "x-commercelayer-topic";
