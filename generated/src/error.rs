//! The client's one error type, and the JSON:API error objects the API sends.

use std::fmt;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Everything a call can fail with. Nothing in this crate panics on a bad response: every
/// unexpected status, body or decoding problem arrives here, with the status and the body.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API refused the request and said why, in a JSON:API errors document.
    Api {
        /// The HTTP status (400, 401, 404, 422, 429...).
        status: StatusCode,
        /// Every error object the API sent, in order.
        errors: Vec<ApiError>,
        /// The raw response body.
        body: String,
    },
    /// The server answered with a failure status and a body that is not a JSON:API errors
    /// document: an HTML page from a proxy, an empty `502`, plain text.
    UnexpectedResponse {
        /// The HTTP status.
        status: StatusCode,
        /// The `Content-Type` header, when there was one.
        content_type: Option<String>,
        /// The raw response body (lossily decoded as UTF-8).
        body: String,
    },
    /// A successful response whose body does not decode into the expected type.
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// Where in the document decoding failed, such as `data.attributes.created_at` or
        /// `data[3].id`; empty when the document itself is malformed at the top.
        path: String,
        /// What was wrong there.
        message: String,
        /// The raw response body.
        body: String,
    },
    /// The request got no HTTP answer: the connection was refused, reset or timed out.
    Transport {
        /// What the HTTP client reported.
        source: reqwest::Error,
    },
    /// The request was refused before anything was sent (a page size over 25, an empty id).
    InvalidRequest {
        /// What is wrong with it.
        message: String,
    },
    /// The client could not be built (an invalid base URL, a token that cannot be a header).
    Config {
        /// What is wrong.
        message: String,
    },
    /// No access token could be obtained with the client credentials: the token endpoint
    /// refused them, gave an answer that is not a token, or could not be reached. Neither the
    /// client secret nor a token is ever part of it.
    Auth {
        /// The token endpoint's HTTP status, when it answered.
        status: Option<StatusCode>,
        /// What went wrong.
        message: String,
        /// The token endpoint's body, when it refused (never kept from a successful answer,
        /// which may hold a token).
        body: Option<String>,
    },
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport { source } => source.status(),
            Error::Auth { status, .. } => *status,
            Error::InvalidRequest { .. } | Error::Config { .. } => None,
        }
    }

    /// The raw response body, when the server answered with one.
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

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, errors, .. } => {
                write!(f, "the API answered {status}")?;
                for (i, error) in errors.iter().enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    write!(f, "{error}")?;
                }
                Ok(())
            }
            Error::UnexpectedResponse {
                status,
                content_type,
                body,
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
            Error::Decode {
                status,
                path,
                message,
                ..
            } => {
                write!(f, "cannot decode the {status} response")?;
                if !path.is_empty() {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}")
            }
            Error::Transport { source } => write!(f, "the request failed: {}", chain(source)),
            Error::InvalidRequest { message } => write!(f, "invalid request: {message}"),
            Error::Config { message } => write!(f, "invalid client configuration: {message}"),
            Error::Auth { message, .. } => write!(f, "authentication failed: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source } => Some(source),
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
    text
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
    #[serde(default)]
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

/// A JSON:API errors document: `{"errors": [...]}`.
#[derive(Deserialize)]
struct ErrorDocument {
    errors: Vec<ApiError>,
}

/// Turns a failure response into the right error: [`Error::Api`] when the body is a JSON:API
/// errors document, [`Error::UnexpectedResponse`] otherwise.
pub(crate) fn from_failure(status: StatusCode, content_type: Option<String>, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body).into_owned();
    match serde_json::from_slice::<ErrorDocument>(body) {
        Ok(document) if !document.errors.is_empty() => Error::Api {
            status,
            errors: document.errors,
            body: text,
        },
        _ => Error::UnexpectedResponse {
            status,
            content_type,
            body: text,
        },
    }
}

/// Decodes a successful response body, or says where and why it does not decode.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|error| decode_error(status, body, &error))
}

/// Builds [`Error::Decode`], locating the failing field from serde_json's line and column
/// (so decoding stays a single fast pass; the path is only worked out on failure).
pub(crate) fn decode_error(status: StatusCode, body: &[u8], error: &serde_json::Error) -> Error {
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(at) => full[..at].to_string(),
        None => full,
    };
    Error::Decode {
        status,
        path: json_path_at(body, error.line(), error.column()),
        message,
        body: String::from_utf8_lossy(body).into_owned(),
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
        let error = serde_json::from_str::<Doc>(body).unwrap_err();
        match decode_error(StatusCode::OK, body.as_bytes(), &error) {
            Error::Decode { path, message, .. } => (path, message),
            other => panic!("{other:?}"),
        }
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
            let error = serde_json::from_str::<Doc>(body).unwrap_err();
            let _ = decode_error(StatusCode::OK, body.as_bytes(), &error);
        }
        assert_eq!(json_path_at(b"{\"a\":{\"b\":[1,2,", 1, 100), "a.b[2]");
    }

    #[test]
    fn failures_become_the_right_error() {
        let body = br#"{"errors":[{"title":"can't be blank","detail":"name - can't be blank","code":"VALIDATION_ERROR","source":{"pointer":"/data/attributes/name"},"status":"422","meta":{"error":"blank"}}]}"#;
        let error = from_failure(StatusCode::UNPROCESSABLE_ENTITY, None, body);
        assert_eq!(
            error.to_string(),
            "the API answered 422 Unprocessable Entity: name - can't be blank (VALIDATION_ERROR) at /data/attributes/name"
        );
        let html = from_failure(
            StatusCode::BAD_GATEWAY,
            Some("text/html".into()),
            b"<html><body>Bad gateway</body></html>",
        );
        assert!(matches!(html, Error::UnexpectedResponse { .. }));
        let empty = from_failure(StatusCode::BAD_GATEWAY, None, b"");
        assert_eq!(
            empty.to_string(),
            "unexpected response 502 Bad Gateway with an empty body"
        );
    }
}
