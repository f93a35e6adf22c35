//! Serving callbacks without a web framework: [`Receiver`] takes a request's
//! [`http::request::Parts`] and body, verifies and parses them, and gives the
//! [`http::Response`] to send.
//!
//! Order of checks, cheapest first and nothing read before it is authenticated: the method
//! (`POST`, else `405`), the size (`413` over the limit, from `Content-Length` before the body
//! is read), the signature (`401`), then the topic and the body (`400`). A refusal's
//! response says only what kind of refusal it is (`401 unauthorized`, with the same body for a
//! missing, malformed or wrong signature); the reason stays in the [`Rejection`], for the
//! service's own logs.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_LENGTH};
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode};

use super::TOPIC_HEADER;
use super::event::{Event, Payload};
use super::external::{ExternalCallback, Respond, raw_json_response};
use super::signature::{SignatureError, Verifier};
use crate::call::Document;
use crate::error::Error;
use crate::jsonapi::Resource;

/// The largest body a [`Receiver`] reads by default: 2 MiB (as axum's own default). An
/// order with its line items, addresses and market is tens of kilobytes.
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;

/// Receives webhooks and external callbacks: the shared secrets to verify them with, and the
/// largest body to accept. Cheap to clone (it is shared).
///
/// It checks a request cheapest first, and reads nothing before it is authenticated: the
/// method (`POST`, else `405`), the size (`413` over the limit, from `Content-Length` before
/// the body), the signature (`401`), then the topic and the body (`400`). A refusal's
/// response says only what kind of refusal it is (`401 unauthorized`, with the same body for
/// a missing, malformed or wrong signature); the reason stays in the [`Rejection`], for the
/// service's own logs.
///
/// ```
/// use commercelayer::callbacks::Receiver;
///
/// // While a secret is being rotated, accept both.
/// let receiver = Receiver::with_secrets(["new-secret", "old-secret"]).max_body(512 * 1024);
/// assert_eq!(receiver.max_body_bytes(), 512 * 1024);
/// ```
#[derive(Clone, Debug)]
pub struct Receiver {
    inner: Arc<Inner>,
}

#[derive(Clone, Debug)]
struct Inner {
    verifier: Verifier,
    max_body: usize,
}

impl Receiver {
    /// A receiver verifying with one shared secret.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self::from_verifier(Verifier::new(secret))
    }

    /// A receiver accepting a signature made with any of `secrets`.
    pub fn with_secrets<I>(secrets: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        Self::from_verifier(Verifier::with_secrets(secrets))
    }

    /// A receiver verifying with `verifier`'s secrets.
    pub fn from_verifier(verifier: Verifier) -> Self {
        Self {
            inner: Arc::new(Inner {
                verifier,
                max_body: DEFAULT_MAX_BODY,
            }),
        }
    }

    /// Sets the largest body accepted, in bytes ([`DEFAULT_MAX_BODY`] unless set).
    pub fn max_body(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.inner).max_body = bytes;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body
    }

    /// The secrets' verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// Verifies and parses a webhook: its method, size, signature, topic and body.
    pub fn webhook(&self, parts: &Parts, body: impl Into<Bytes>) -> Result<Event, Rejection> {
        let body = body.into();
        self.check(parts, &body)?;
        let topic = single_header(parts, TOPIC_HEADER)?;
        Event::from_bytes(topic, body).map_err(Rejection::Invalid)
    }

    /// Verifies and parses an external callback of kind `C`: its method, size, signature and
    /// body, whose `data` must be a `C::RESOURCE`.
    pub fn external<C: ExternalCallback>(
        &self,
        parts: &Parts,
        body: impl Into<Bytes>,
    ) -> Result<Payload, Rejection> {
        let body = body.into();
        self.check(parts, &body)?;
        let payload = Payload::from_bytes(body).map_err(Rejection::Invalid)?;
        match payload.resource_type() {
            Some(found) if found == C::RESOURCE => Ok(payload),
            found => Err(Rejection::WrongResource {
                callback: C::NAME,
                expected: C::RESOURCE,
                found: found.map(str::to_string),
            }),
        }
    }

    /// Serves a webhook: verifies and parses it, then runs `handle`. Answers `200` with an
    /// empty body when `handle` succeeds, `500` when it fails (so Commerce Layer tries
    /// again, up to 10 times), and the rejection's response when the request is refused.
    ///
    /// The vendor gives the endpoint 5 seconds to answer a `2xx`; work that takes longer
    /// belongs in a queue. A webhook may arrive more than once.
    pub async fn handle_webhook<F, Fut, E>(
        &self,
        parts: &Parts,
        body: impl Into<Bytes>,
        handle: F,
    ) -> Response<Bytes>
    where
        F: FnOnce(Event) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let event = match self.webhook(parts, body) {
            Ok(event) => event,
            Err(rejection) => return rejection.into_response(),
        };
        match handle(event).await {
            Ok(()) => {
                let mut response = Response::new(Bytes::new());
                *response.status_mut() = StatusCode::OK;
                response
            }
            Err(_) => internal_error(),
        }
    }

    /// Serves an external callback of kind `C`: verifies the request, decodes the payload
    /// into `Document<T>` and answers with what `handle` returns.
    ///
    /// `T` is the callback's resource type (`LineItem` for [`Prices`]) or
    /// [`GenericResource`]; another type is the service's mistake and answers `500`. A
    /// payload that does not decode answers `400`.
    ///
    /// [`Prices`]: super::external::Prices
    /// [`GenericResource`]: crate::jsonapi::GenericResource
    pub async fn handle_external<C, T, F, Fut>(
        &self,
        parts: &Parts,
        body: impl Into<Bytes>,
        handle: F,
    ) -> Response<Bytes>
    where
        C: ExternalCallback,
        T: Resource,
        F: FnOnce(Document<T>) -> Fut,
        Fut: Future<Output = C::Reply>,
    {
        match self.external_document::<C, T>(parts, body) {
            Ok(document) => handle(document).await.into_response(),
            Err(rejection) => rejection.into_response(),
        }
    }

    /// Verifies an external callback of kind `C` and decodes its payload as `Document<T>`.
    pub fn external_document<C: ExternalCallback, T: Resource>(
        &self,
        parts: &Parts,
        body: impl Into<Bytes>,
    ) -> Result<Document<T>, Rejection> {
        if T::TYPE.is_some_and(|type_| type_ != C::RESOURCE) {
            return Err(Rejection::Misconfigured(format!(
                "{} send `{}`, decoded here as `{}`",
                C::NAME,
                C::RESOURCE,
                T::TYPE.unwrap_or_default()
            )));
        }
        let payload = self.external::<C>(parts, body)?;
        payload.decode::<T>().map_err(Rejection::Invalid)
    }

    /// The checks every callback goes through before its body is parsed.
    fn check(&self, parts: &Parts, body: &[u8]) -> Result<(), Rejection> {
        if parts.method != Method::POST {
            return Err(Rejection::MethodNotAllowed);
        }
        let limit = self.inner.max_body;
        let declared = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) || body.len() > limit {
            return Err(Rejection::TooLarge { limit });
        }
        self.inner
            .verifier
            .verify_headers(&parts.headers, body)
            .map_err(Rejection::Signature)
    }
}

/// The one value of a header, or the rejection saying it is missing or repeated.
fn single_header<'a>(parts: &'a Parts, name: &'static str) -> Result<&'a str, Rejection> {
    let mut values = parts.headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().map_err(|_| Rejection::Header {
            name,
            problem: "is not visible ASCII",
        }),
        (None, _) => Err(Rejection::Header {
            name,
            problem: "is missing",
        }),
        (Some(_), Some(_)) => Err(Rejection::Header {
            name,
            problem: "is sent more than once",
        }),
    }
}

/// Why a callback was refused, with the status it answers. Its `Display` is for the
/// service's logs; the response it turns into says only the kind of refusal.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// Not a `POST` (`405`).
    MethodNotAllowed,
    /// The body is larger than the limit (`413`).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The signature is missing, malformed or wrong (`401`), or no secret is configured
    /// (`500`).
    Signature(SignatureError),
    /// A header the callback needs is missing, repeated or unreadable (`400`).
    Header {
        /// The header (`x-commercelayer-topic`).
        name: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The topic or the body is not acceptable (`400`): the error says where.
    Invalid(Error),
    /// The payload holds another resource than the callback sends (`400`).
    WrongResource {
        /// The callback (`external prices`).
        callback: &'static str,
        /// The resource it sends (`line_items`).
        expected: &'static str,
        /// What the payload holds (`None` when `data` is not one resource).
        found: Option<String>,
    },
    /// The service asked for a type the callback does not send (`500`).
    Misconfigured(String),
    /// The body could not be read (`400`).
    Unreadable(String),
}

impl Rejection {
    /// The HTTP status it answers.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Rejection::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::Signature(SignatureError::NoSecret) | Rejection::Misconfigured(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Rejection::Signature(_) => StatusCode::UNAUTHORIZED,
            Rejection::Header { .. }
            | Rejection::Invalid(_)
            | Rejection::WrongResource { .. }
            | Rejection::Unreadable(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The signature problem, when that is why.
    pub fn signature_error(&self) -> Option<SignatureError> {
        match self {
            Rejection::Signature(error) => Some(*error),
            _ => None,
        }
    }

    /// The response to send: the status, and a fixed body for that status in the shape
    /// external callbacks use, `{"success": false, "error": {"code", "message"}}`.
    pub fn into_response(self) -> Response<Bytes> {
        let status = self.status();
        let body: &'static [u8] = match status {
            StatusCode::UNAUTHORIZED => {
                br#"{"success":false,"error":{"code":"UNAUTHORIZED","message":"unauthorized"}}"#
            }
            StatusCode::METHOD_NOT_ALLOWED => {
                br#"{"success":false,"error":{"code":"METHOD_NOT_ALLOWED","message":"callbacks are posted"}}"#
            }
            StatusCode::PAYLOAD_TOO_LARGE => {
                br#"{"success":false,"error":{"code":"PAYLOAD_TOO_LARGE","message":"the callback body is too large"}}"#
            }
            StatusCode::BAD_REQUEST => {
                br#"{"success":false,"error":{"code":"BAD_REQUEST","message":"the callback cannot be read"}}"#
            }
            _ => return internal_error(),
        };
        let mut response = raw_json_response(status, Bytes::from_static(body));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MethodNotAllowed => f.write_str("a callback must be a POST"),
            Rejection::TooLarge { limit } => {
                write!(f, "the callback body is larger than {limit} bytes")
            }
            Rejection::Signature(error) => write!(f, "{error}"),
            Rejection::Header { name, problem } => write!(f, "the `{name}` header {problem}"),
            Rejection::Invalid(error) => write!(f, "{error}"),
            Rejection::WrongResource {
                callback,
                expected,
                found,
            } => match found {
                Some(found) => {
                    write!(
                        f,
                        "{callback} send `{expected}`, the payload holds `{found}`"
                    )
                }
                None => write!(
                    f,
                    "{callback} send one `{expected}`, the payload holds none"
                ),
            },
            Rejection::Misconfigured(message) => write!(f, "misconfigured callback: {message}"),
            Rejection::Unreadable(message) => {
                write!(f, "the callback body cannot be read: {message}")
            }
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Rejection::Signature(error) => Some(error),
            Rejection::Invalid(error) => Some(error),
            _ => None,
        }
    }
}

impl From<SignatureError> for Rejection {
    fn from(error: SignatureError) -> Self {
        Rejection::Signature(error)
    }
}

/// `500`, with a fixed body.
fn internal_error() -> Response<Bytes> {
    raw_json_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        Bytes::from_static(
            br#"{"success":false,"error":{"code":"INTERNAL_ERROR","message":"the callback could not be handled"}}"#,
        ),
    )
}
