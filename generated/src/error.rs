//! The client's one error type, the JSON:API error objects the API sends, and how answers
//! that are not what was asked for become errors: located, bounded, and scrubbed of secrets.
//!
//! Everything an error holds that a server sent (bodies, `detail`s, `Location`s, decoding
//! messages) has been through one scrubber: the token and the client secret are replaced by
//! `<redacted>` in whatever encoding they were echoed,
//! terminal escapes and control characters are removed, and each text is cut to a bound
//! ([`MAX_ERROR_TEXT`], [`MAX_ERROR_BODY`]) with a mark saying so.

use std::fmt;

use reqwest::{Method, StatusCode};
use serde::de::{DeserializeOwned, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::redact::Redactor;
pub use crate::redact::{MAX_ERROR_BODY, MAX_ERROR_TEXT};
use crate::transport::describe_size;

/// The most error objects of an errors document kept in [`Error::Api`]; the others are
/// skipped (the body excerpt still shows them).
pub const MAX_API_ERRORS: usize = 64;

/// How many error objects the `Display` of [`Error::Api`] shows.
const SHOWN_API_ERRORS: usize = 5;

/// Which request an error is about: its method and its path as sent (such as `POST
/// /api/customer_groups`), never its query string, which may hold what a caller filters on.
///
/// Boxed, so that it keeps [`Error`] small.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestLine(Box<(Method, String)>);

impl RequestLine {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Self(Box::new((method, path)))
    }

    /// The method (`POST`).
    pub fn method(&self) -> &Method {
        &self.0.0
    }

    /// The path, percent-encoded as sent, without the query (`/api/customer_groups`).
    pub fn path(&self) -> &str {
        &self.0.1
    }
}

impl fmt::Debug for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestLine")
            .field("method", self.method())
            .field("path", &self.path())
            .finish()
    }
}

/// `POST /api/customer_groups`
impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method(), self.path())
    }
}

/// Everything a call can fail with. Nothing in this crate panics on a bad response: every
/// unexpected status, body or decoding problem arrives here, with the status and the body.
///
/// An error about a request names it ([`Error::request`]): its `Display` starts with the
/// method and path (`POST /api/customer_groups: the API answered 422 ...`). What a server
/// sent is kept bounded and scrubbed of the token and client secret (see the module docs).
/// New variants and fields may be added: match with `..`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API refused the request and said why, in a JSON:API errors document.
    #[non_exhaustive]
    Api {
        /// The request refused.
        request: RequestLine,
        /// The HTTP status (400, 401, 404, 422, 429...).
        status: StatusCode,
        /// The error objects the API sent, in order (at most [`MAX_API_ERRORS`]).
        errors: Vec<ApiError>,
        /// The response body (at most [`MAX_ERROR_BODY`] bytes of it).
        body: String,
    },
    /// The server answered with a failure status and a body that is not a JSON:API errors
    /// document: an HTML page from a proxy, an empty `502`, plain text.
    #[non_exhaustive]
    UnexpectedResponse {
        /// The request answered.
        request: RequestLine,
        /// The HTTP status.
        status: StatusCode,
        /// The `Content-Type` header, when there was one.
        content_type: Option<String>,
        /// The response body, lossily decoded as UTF-8 (at most [`MAX_ERROR_BODY`] bytes).
        body: String,
    },
    /// The server answered with a redirect (`3xx`). The API never redirects, so the client
    /// follows none: nothing was sent to the `Location`, and the request was not sent again.
    #[non_exhaustive]
    Redirect {
        /// The request redirected.
        request: RequestLine,
        /// The HTTP status (`301`, `302`, `303`, `307`, `308`...).
        status: StatusCode,
        /// Where the server redirected to (its `Location` header), when it said.
        location: Option<String>,
    },
    /// The answer's body is larger than the most the client reads
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size),
    /// [`DEFAULT_MAX_RESPONSE_SIZE`](crate::DEFAULT_MAX_RESPONSE_SIZE) unless set): reading
    /// stopped there.
    #[non_exhaustive]
    ResponseTooLarge {
        /// The request answered.
        request: RequestLine,
        /// The HTTP status.
        status: StatusCode,
        /// The cap, in bytes.
        limit: usize,
    },
    /// A successful response whose body does not decode into the expected type (or holds
    /// a resource of another type than the one asked for).
    #[non_exhaustive]
    Decode {
        /// The request answered; `None` for a resource decoded later from a document's
        /// `included` that was not received by a call.
        request: Option<RequestLine>,
        /// The HTTP status.
        status: StatusCode,
        /// Where in the document decoding failed, such as `data.attributes.created_at`,
        /// `data[3].type` or `included[2].attributes.name`; empty when the document itself
        /// is malformed at the top.
        path: String,
        /// What was wrong there.
        message: String,
        /// The response body (at most [`MAX_ERROR_BODY`] bytes of it).
        body: String,
    },
    /// The request got no HTTP answer: the connection was refused, reset or timed out.
    #[non_exhaustive]
    Transport {
        /// The request that failed.
        request: RequestLine,
        /// The host (and port) it was sent to.
        host: String,
        /// How many times it was sent (or tried to be), retries included.
        attempts: u32,
        /// What the HTTP client reported (without the URL, which holds the query).
        source: reqwest::Error,
    },
    /// The request was refused before anything was sent (a page size over 25, an empty or
    /// over-long id, a header the client sets itself).
    #[non_exhaustive]
    InvalidRequest {
        /// What is wrong with it.
        message: String,
    },
    /// The client could not be built (an invalid base URL, a token that cannot be a header).
    /// The message never repeats a URL's query or credentials.
    #[non_exhaustive]
    Config {
        /// What is wrong.
        message: String,
    },
    /// No access token could be obtained: the token endpoint refused the grant (the message
    /// names it), redirected, gave an answer that is not a token (or too large a one), or could
    /// not be reached; or a token source failed. Also a token whose claims cannot be decoded,
    /// and a revoke that failed. No secret (client secret, password, code, assertion) nor a
    /// token is ever part of it.
    #[non_exhaustive]
    Auth {
        /// The call that needed the token, when there was one.
        request: Option<RequestLine>,
        /// The token endpoint's HTTP status, when it answered.
        status: Option<StatusCode>,
        /// What went wrong.
        message: String,
        /// Where the token endpoint redirected to, when it did (the client does not follow).
        location: Option<String>,
        /// The token endpoint's body, when it refused (never kept from a successful answer,
        /// which may hold a token; at most [`MAX_ERROR_BODY`] bytes of it).
        body: Option<String>,
    },
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::Redirect { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Auth { status, .. } => *status,
            Error::InvalidRequest { .. } | Error::Config { .. } => None,
        }
    }

    /// The response body (bounded and scrubbed), when the server answered with one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. }
            | Error::UnexpectedResponse { body, .. }
            | Error::Decode { body, .. } => Some(body),
            Error::Auth { body, .. } => body.as_deref(),
            _ => None,
        }
    }

    /// The JSON:API error objects, when the API sent some.
    pub fn api_errors(&self) -> &[ApiError] {
        match self {
            Error::Api { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The request the error is about (method and path), when it is about one.
    pub fn request(&self) -> Option<&RequestLine> {
        match self {
            Error::Api { request, .. }
            | Error::UnexpectedResponse { request, .. }
            | Error::Redirect { request, .. }
            | Error::ResponseTooLarge { request, .. }
            | Error::Transport { request, .. } => Some(request),
            Error::Decode { request, .. } | Error::Auth { request, .. } => request.as_ref(),
            Error::InvalidRequest { .. } | Error::Config { .. } => None,
        }
    }

    /// Where a server redirected to (the API, or the token endpoint), when it did.
    pub fn location(&self) -> Option<&str> {
        match self {
            Error::Redirect { location, .. } | Error::Auth { location, .. } => location.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            message: message.into(),
        }
    }

    /// Names the call an authentication failure happened in.
    pub(crate) fn in_request(mut self, line: &RequestLine) -> Self {
        if let Error::Auth { request, .. } = &mut self {
            request.get_or_insert_with(|| line.clone());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = self.request() {
            write!(f, "{request}: ")?;
        }
        match self {
            Error::Api { status, errors, .. } => {
                write!(f, "the API answered {status}")?;
                for (i, error) in errors.iter().take(SHOWN_API_ERRORS).enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    write!(f, "{error}")?;
                }
                if errors.len() > SHOWN_API_ERRORS {
                    write!(f, "; and {} more", errors.len() - SHOWN_API_ERRORS)?;
                }
                Ok(())
            }
            Error::UnexpectedResponse {
                status,
                content_type,
                body,
                ..
            } => {
                write!(f, "unexpected response {status}")?;
                if let Some(content_type) = content_type {
                    write!(f, " ({content_type})")?;
                }
                if body.trim().is_empty() {
                    f.write_str(" with an empty body")
                } else {
                    write!(f, ": {}", excerpt(body))
                }
            }
            Error::Redirect {
                status, location, ..
            } => {
                write!(f, "the API answered {status}")?;
                match location {
                    Some(location) => write!(f, " redirecting to {location}")?,
                    None => f.write_str(" without a location")?,
                }
                f.write_str(": the client follows no redirect")
            }
            Error::ResponseTooLarge { status, limit, .. } => write!(
                f,
                "the {status} answer is larger than {}, the most the client reads \
                 (`ClientBuilder::max_response_size`)",
                describe_size(*limit)
            ),
            Error::Decode {
                request,
                status,
                path,
                message,
                ..
            } => {
                // A document decoded away from a call (an included resource, a webhook's
                // body) has no response to speak of.
                match request {
                    Some(_) => write!(f, "cannot decode the {status} response")?,
                    None => f.write_str("cannot decode the document")?,
                }
                if !path.is_empty() {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}")
            }
            Error::Transport {
                host,
                attempts,
                source,
                ..
            } => {
                let what = if source.is_connect() {
                    "cannot connect to"
                } else if source.is_timeout() {
                    "no answer in time from"
                } else {
                    "the exchange failed with"
                };
                let plural = if *attempts == 1 { "" } else { "s" };
                write!(
                    f,
                    "{what} {host} after {attempts} attempt{plural}: {}",
                    chain(source)
                )
            }
            Error::InvalidRequest { message } => write!(f, "invalid request: {message}"),
            Error::Config { message } => write!(f, "invalid client configuration: {message}"),
            Error::Auth { message, .. } => write!(f, "authentication failed: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// An error and each of its causes, joined by `: `.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    crate::redact::clean(&text, crate::redact::Lines::Join).into_owned()
}

/// The first 200 characters of a body, on one line.
fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// The client's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One JSON:API error object, as the API sends it.
///
/// In an [`Error`], every text is scrubbed of secrets and control characters and at most
/// [`MAX_ERROR_TEXT`] bytes long, and `meta` is kept up to a few KiB (what is cut is
/// marked `…`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// A short summary (`can't be blank`).
    #[serde(default)]
    pub title: Option<String>,
    /// A longer explanation (`name - can't be blank`).
    #[serde(default)]
    pub detail: Option<String>,
    /// The API's error code (`VALIDATION_ERROR`).
    #[serde(default)]
    pub code: Option<String>,
    /// The HTTP status, as a string (`"422"`).
    #[serde(default)]
    pub status: Option<String>,
    /// What in the request caused the error.
    #[serde(default)]
    pub source: Option<ErrorSource>,
    /// Anything else the API attached.
    #[serde(default, deserialize_with = "crate::redact::bounded_meta")]
    pub meta: Option<Map<String, Value>>,
}

/// Where in the request an error comes from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ErrorSource {
    /// A JSON pointer into the request document (`/data/attributes/name`).
    #[serde(default)]
    pub pointer: Option<String>,
    /// The query parameter that caused the error.
    #[serde(default)]
    pub parameter: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self
            .detail
            .as_deref()
            .or(self.title.as_deref())
            .unwrap_or("no detail given");
        f.write_str(text)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(pointer) = self.source.as_ref().and_then(|s| s.pointer.as_deref()) {
            write!(f, " at {pointer}")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// The same error object with every text scrubbed, cleaned and bounded.
    fn redacted(mut self, redactor: &Redactor) -> Self {
        let line = |text: &mut Option<String>| {
            if let Some(text) = text {
                *text = redactor.line(text);
            }
        };
        line(&mut self.title);
        line(&mut self.detail);
        line(&mut self.code);
        line(&mut self.status);
        if let Some(source) = &mut self.source {
            line(&mut source.pointer);
            line(&mut source.parameter);
        }
        if let Some(meta) = self.meta.take() {
            let mut meta = Value::Object(meta);
            redactor.value(&mut meta);
            if let Value::Object(meta) = meta {
                self.meta = Some(meta);
            }
        }
        self
    }
}

/// A JSON:API errors document: `{"errors": [...]}`, keeping the first [`MAX_API_ERRORS`].
#[derive(Deserialize)]
pub(crate) struct ErrorDocument {
    #[serde(deserialize_with = "first_errors")]
    pub(crate) errors: Vec<ApiError>,
}

fn first_errors<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ApiError>, D::Error> {
    struct First;
    impl<'de> Visitor<'de> for First {
        type Value = Vec<ApiError>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of error objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<ApiError>, A::Error> {
            let mut errors = Vec::new();
            while errors.len() < MAX_API_ERRORS {
                match seq.next_element()? {
                    Some(error) => errors.push(error),
                    None => return Ok(errors),
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(errors)
        }
    }
    deserializer.deserialize_seq(First)
}

impl ErrorDocument {
    /// The error objects of an errors document, scrubbed and bounded; `None` when `body`
    /// is not one or holds none.
    pub(crate) fn parse(body: &[u8], redactor: &Redactor) -> Option<Vec<ApiError>> {
        let document = serde_json::from_slice::<ErrorDocument>(body).ok()?;
        (!document.errors.is_empty()).then(|| {
            document
                .errors
                .into_iter()
                .map(|error| error.redacted(redactor))
                .collect()
        })
    }
}

/// Turns a failure response into the right error: [`Error::Api`] when the body is a JSON:API
/// errors document, [`Error::UnexpectedResponse`] otherwise.
pub(crate) fn from_failure(
    request: &RequestLine,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
    redactor: &Redactor,
) -> Error {
    match ErrorDocument::parse(body, redactor) {
        Some(errors) => Error::Api {
            request: request.clone(),
            status,
            errors,
            body: redactor.body(body),
        },
        None => Error::UnexpectedResponse {
            request: request.clone(),
            status,
            content_type: content_type.map(|text| redactor.line(text)),
            body: redactor.body(body),
        },
    }
}

/// Where a body being decoded comes from, for the errors decoding it may give.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) status: StatusCode,
    pub(crate) request: Option<RequestLine>,
    pub(crate) redactor: Redactor,
}

impl Default for Origin {
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            request: None,
            redactor: Redactor::default(),
        }
    }
}

/// Decodes a successful response body, or says where and why it does not decode.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], origin: &Origin) -> Result<T> {
    decode_at("", body, origin)
}

/// [`decode`] for a part of a document found at `prefix` (`included[2]`), which starts the
/// path of any error.
pub(crate) fn decode_at<T: DeserializeOwned>(
    prefix: &str,
    body: &[u8],
    origin: &Origin,
) -> Result<T> {
    serde_json::from_slice(body).map_err(|error| decode_failure(prefix, body, &error, origin))
}

/// [`Error::Decode`] for `error`, met while decoding `body` (a part of a document found at
/// `prefix`, or the whole of it when `prefix` is empty), located and scrubbed.
pub(crate) fn decode_failure(
    prefix: &str,
    body: &[u8],
    error: &serde_json::Error,
    origin: &Origin,
) -> Error {
    let (path, message) = locate(body, error);
    Error::Decode {
        request: origin.request.clone(),
        status: origin.status,
        path: origin.redactor.line(&join_path(prefix, &path)),
        message: origin.redactor.line(&message),
        body: origin.redactor.body(body),
    }
}

/// Starts and ends the path a marked message carries (see [`marked`]).
const MARK: char = '\0';

/// The message of an error raised by this crate's own decoding code (a resource of another
/// type, an error inside a polymorphic value), carrying where it happened: `path` is relative
/// to the value a wrapper decodes (`data`, `data[3]`, `included[2]`), which prefixes it with
/// its own place ([`relocate`]).
///
/// serde_json places an error raised outside of its own parsing at the end of the object
/// around it, not where it happened: the path travels in the message instead.
pub(crate) fn marked(path: &str, message: &str) -> String {
    format!("{MARK}{}{MARK}{message}", path.replace(MARK, ""))
}

/// The path and message of a [`marked`] message.
fn split_marked(text: &str) -> Option<(&str, &str)> {
    text.strip_prefix(MARK)?.split_once(MARK)
}

/// A serde_json error's text without the position it appends (` at line 1 column 20`).
fn strip_position(text: &str) -> &str {
    if let Some(at) = text.rfind(" at line ") {
        let rest = &text[at + " at line ".len()..];
        if let Some((line, column)) = rest.split_once(" column ") {
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if digits(line) && digits(column) {
                return &text[..at];
            }
        }
    }
    text
}

/// `error`, its [`marked`] path (if it has one) now starting with `prefix`, the place of the
/// value that was decoded.
pub(crate) fn relocate<E: serde::de::Error>(prefix: &str, error: E) -> E {
    let text = error.to_string();
    match split_marked(strip_position(&text)) {
        Some((path, message)) => E::custom(marked(&join_path(prefix, path), message)),
        None => error,
    }
}

/// The path and message of a serde_json error met decoding `text`.
///
/// The path comes from serde_json's line and column (so decoding stays a single fast pass;
/// the path is only worked out on failure), or from the message when it is [`marked`].
pub(crate) fn locate(text: &[u8], error: &serde_json::Error) -> (String, String) {
    let full = error.to_string();
    let message = if error.line() == 0 {
        full
    } else {
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        full.strip_suffix(&suffix).unwrap_or(&full).to_string()
    };
    if let Some((path, message)) = split_marked(&message) {
        return (path.to_string(), message.to_string());
    }
    let path = if error.line() == 0 {
        String::new()
    } else {
        json_path_at(text, error.line(), error.column())
    };
    (path, message)
}

/// The [`marked`] message of an error met decoding `text`, a polymorphic value on its own,
/// for the decoder of the document around it.
pub(crate) fn nested(text: &str, error: &serde_json::Error) -> String {
    let (path, message) = locate(text.as_bytes(), error);
    marked(&path, &message)
}

/// `outer.inner`, or `outer[3]...` when `inner` starts with an index.
fn join_path(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (_, true) => outer.to_string(),
        (true, false) => inner.to_string(),
        (false, false) if inner.starts_with('[') => format!("{outer}{inner}"),
        (false, false) => format!("{outer}.{inner}"),
    }
}

/// The path of the value being read at a 1-based line and column of a JSON text, such as
/// `data.attributes.name` or `data[2].id`.
///
/// It walks the text up to that point, keeping a stack of open objects (with the key being
/// read) and arrays (with the index). It never fails: malformed text gives the path as far
/// as it could be followed.
pub(crate) fn json_path_at(text: &[u8], line: usize, column: usize) -> String {
    enum Open {
        Object {
            key: Option<String>,
            expect_key: bool,
        },
        Array {
            index: usize,
        },
    }

    // serde_json counts lines from 1 and columns from 1 (0 before the first character).
    let mut offset = 0;
    let mut current_line = 1;
    while current_line < line && offset < text.len() {
        if text[offset] == b'\n' {
            current_line += 1;
        }
        offset += 1;
    }
    let end = (offset + column).min(text.len());

    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < end {
        match text[i] {
            b'{' => stack.push(Open::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Open::Array { index: 0 }),
            // A closing bracket at the very end of the span is the object whose field is
            // missing or wrong: it is still the one being read.
            b'}' | b']' if i + 1 < end => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Open::Array { index }) => *index += 1,
                Some(Open::Object { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    if text[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if let Some(Open::Object { key, expect_key }) = stack.last_mut() {
                    if *expect_key {
                        let raw = &text[start..i.min(text.len())];
                        *key = Some(String::from_utf8_lossy(raw).into_owned());
                        *expect_key = false;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }

    // An error reported at an object's closing brace (a missing field) is about the
    // object, not about the last member read.
    let last = text[..end].iter().rev().find(|b| !b.is_ascii_whitespace());
    if last == Some(&b'}') {
        if let Some(Open::Object { key, .. }) = stack.last_mut() {
            *key = None;
        }
    }

    let mut path = String::new();
    for open in &stack {
        match open {
            Open::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Object { key: None, .. } => {}
            Open::Array { index } => {
                path.push_str(&format!("[{index}]"));
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        data: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        attributes: Attrs,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Attrs {
        name: String,
        count: Option<i64>,
    }

    fn path_of(body: &str) -> (String, String) {
        match decode::<Doc>(body.as_bytes(), &Origin::default()) {
            Err(Error::Decode { path, message, .. }) => (path, message),
            other => panic!("{other:?}"),
        }
    }

    fn line() -> RequestLine {
        RequestLine::new(Method::POST, "/api/customer_groups".to_string())
    }

    #[test]
    fn locates_a_wrong_type() {
        let body = r#"{"data":[{"id":"a","attributes":{"name":"x"}},{"id":"b","attributes":{"name":"y","count":"many"}}]}"#;
        let (path, message) = path_of(body);
        assert_eq!(path, "data[1].attributes.count");
        assert!(
            message.starts_with("invalid type: string \"many\""),
            "{message}"
        );
    }

    #[test]
    fn locates_a_missing_field_at_its_object() {
        let body = "{\n  \"data\": [\n    {\"id\": \"a\", \"attributes\": {\"count\": 1}}\n  ]\n}";
        let (path, message) = path_of(body);
        assert_eq!(path, "data[0].attributes");
        assert_eq!(message, "missing field `name`");
    }

    #[test]
    fn survives_truncated_and_hostile_text() {
        for body in [
            "",
            "{",
            "{\"data\":[",
            "\"unterminated",
            "]]]]",
            "{\"a\\\"b\":",
        ] {
            let _ = path_of(body);
        }
        assert_eq!(json_path_at(b"{\"a\":{\"b\":[1,2,", 1, 100), "a.b[2]");
    }

    // A nested error's path is appended to the path of the value it was met in.
    #[test]
    fn nested_paths_are_joined() {
        assert_eq!(join_path("data", "attributes.x"), "data.attributes.x");
        assert_eq!(join_path("data", "[2].id"), "data[2].id");
        assert_eq!(join_path("", "attributes"), "attributes");
        assert_eq!(join_path("included[3]", ""), "included[3]");
        let inner = r#"{"attributes":{"count":"many"}}"#;
        let error = serde_json::from_str::<Item>(inner).unwrap_err();
        let message = nested(inner, &error);
        let outer: serde_json::Error = serde::de::Error::custom(message);
        let (path, message) = locate(b"", &outer);
        assert_eq!(path, "attributes.count");
        assert!(message.starts_with("invalid type"), "{message}");
        let relocated = relocate("data[2]", outer);
        let (path, message) = locate(b"", &relocated);
        assert_eq!(path, "data[2].attributes.count");
        assert!(message.starts_with("invalid type"), "{message}");
        assert_eq!(strip_position("bad at line 3 column 14"), "bad");
        assert_eq!(
            strip_position("bad \"at line 3 column 14\""),
            "bad \"at line 3 column 14\""
        );
        assert_eq!(strip_position("at line x column 1"), "at line x column 1");
    }

    #[test]
    fn failures_become_the_right_error() {
        let body = br#"{"errors":[{"title":"can't be blank","detail":"name - can't be blank","code":"VALIDATION_ERROR","source":{"pointer":"/data/attributes/name"},"status":"422","meta":{"error":"blank"}}]}"#;
        let redactor = Redactor::default();
        let error = from_failure(
            &line(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            body,
            &redactor,
        );
        assert_eq!(
            error.to_string(),
            "POST /api/customer_groups: the API answered 422 Unprocessable Entity: name - can't be blank (VALIDATION_ERROR) at /data/attributes/name"
        );
        let html = from_failure(
            &line(),
            StatusCode::BAD_GATEWAY,
            Some("text/html"),
            b"<html><body>Bad gateway</body></html>",
            &redactor,
        );
        assert!(matches!(html, Error::UnexpectedResponse { .. }));
        let empty = from_failure(&line(), StatusCode::BAD_GATEWAY, None, b"", &redactor);
        assert_eq!(
            empty.to_string(),
            "POST /api/customer_groups: unexpected response 502 Bad Gateway with an empty body"
        );
    }

    // At most MAX_API_ERRORS error objects are kept, and the Display shows a few of them.
    #[test]
    fn the_error_stays_small() {
        // Below clippy's `result_large_err` threshold, so that users' closures returning a
        // `Result<_, Error>` are not flagged.
        assert!(
            std::mem::size_of::<Error>() < 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn error_objects_are_bounded() {
        let many = format!(
            r#"{{"errors":[{}]}}"#,
            vec![r#"{"detail":"bad"}"#; 10_000].join(",")
        );
        let error = from_failure(
            &line(),
            StatusCode::BAD_REQUEST,
            None,
            many.as_bytes(),
            &Redactor::default(),
        );
        assert_eq!(error.api_errors().len(), MAX_API_ERRORS);
        assert!(error.to_string().ends_with("bad; and 59 more"), "{error}");
    }
}
