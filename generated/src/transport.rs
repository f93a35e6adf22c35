//! What every exchange with a server shares, API calls and token requests alike: one HTTP
//! client that follows no redirect, the `User-Agent` and timeout each request carries, and
//! answers read under a size cap.
//!
//! The Commerce Layer API does not redirect, so a `3xx` answer is never followed: a write
//! answered `303` does not become a `GET` of another URL, a `307` does not send a body (or a
//! client secret) to another origin, and a redirect loop costs one request. Its body is not
//! read. Every other body is read as it streams in, and reading stops (with an error naming
//! the cap) as soon as it would pass [`DEFAULT_MAX_RESPONSE_SIZE`] or the size set with
//! [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size): the memory
//! an answer takes is bounded by the cap, whatever the server sends or announces.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, USER_AGENT};
use reqwest::{Method, StatusCode};

/// The largest response body a client reads, unless
/// [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size) says
/// otherwise: 16 MiB, far above any answer of the API (a page of 25 resources with their
/// includes is a few hundred KiB).
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 16 * 1024 * 1024;

/// The HTTP client and the settings every request is sent with.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    user_agent: HeaderValue,
    timeout: Duration,
    max_response_size: usize,
}

/// An answer: its status, its headers and, unless it was not read, its whole body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Result<Bytes, Unread>,
}

/// Why a body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unread {
    /// The answer is a redirect, which is never followed.
    Redirect,
    /// The body is larger than the cap (as announced, or as read so far).
    TooLarge,
}

impl Http {
    /// Builds the HTTP client from `builder`, with redirects off whatever it says.
    pub(crate) fn build_client(
        builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::Client, reqwest::Error> {
        // rustls with the ring provider: installed once per process; an error only means
        // another provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        builder.redirect(reqwest::redirect::Policy::none()).build()
    }

    pub(crate) fn new(
        client: reqwest::Client,
        user_agent: HeaderValue,
        timeout: Duration,
        max_response_size: usize,
    ) -> Self {
        Self {
            client,
            user_agent,
            timeout,
            max_response_size,
        }
    }

    /// The timeout of each request, unless the request sets its own.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest body read.
    pub(crate) fn max_response_size(&self) -> usize {
        self.max_response_size
    }

    /// A request carrying the `User-Agent` and the timeout.
    pub(crate) fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, url)
            .header(USER_AGENT, self.user_agent.clone())
            .timeout(self.timeout)
    }

    /// Sends `request` and reads its answer: the body only when it is not a redirect, and
    /// only up to the cap.
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<Answer, reqwest::Error> {
        let mut response = request.send().await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = if is_redirect(status) {
            Err(Unread::Redirect)
        } else {
            read_capped(&mut response, self.max_response_size).await?
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// A status that redirects: every `3xx` but `304 Not Modified` (which only a conditional
/// request a call asked for itself can get).
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    status.is_redirection() && status != StatusCode::NOT_MODIFIED
}

/// The `Location` header's text (lossily decoded), when there is one.
pub(crate) fn location(headers: &HeaderMap) -> Option<String> {
    headers
        .get(LOCATION)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Reads the body as it streams in, stopping as soon as it would pass `limit` bytes (or at
/// once when its announced length does).
async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Result<Bytes, Unread>, reqwest::Error> {
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit as u64) {
        return Ok(Err(Unread::TooLarge));
    }
    // Most answers arrive in one chunk: keep it as it is, copying only when there are more.
    let mut first: Option<Bytes> = None;
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let read = first.as_ref().map_or(0, Bytes::len) + body.len();
        if chunk.len() > limit - read {
            return Ok(Err(Unread::TooLarge));
        }
        match first.take() {
            None if body.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    let expected = announced.map_or(0, |length| length as usize);
                    body.reserve(expected.max(earlier.len() + chunk.len()).min(limit));
                    body.extend_from_slice(&earlier);
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    Ok(Ok(match first {
        Some(only) => only,
        None => body.freeze(),
    }))
}

/// A size as the errors say it: `16 MiB (16777216 bytes)`, or `1000 bytes`.
pub(crate) fn describe_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    const KIB: usize = 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB ({bytes} bytes)", bytes / MIB)
    } else if bytes >= KIB && bytes % KIB == 0 {
        format!("{} KiB ({bytes} bytes)", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_described_exactly() {
        assert_eq!(
            describe_size(DEFAULT_MAX_RESPONSE_SIZE),
            "16 MiB (16777216 bytes)"
        );
        assert_eq!(describe_size(64 * 1024), "64 KiB (65536 bytes)");
        assert_eq!(describe_size(1000), "1000 bytes");
        assert_eq!(describe_size(0), "0 bytes");
    }

    #[test]
    fn every_3xx_but_304_redirects() {
        for code in [300, 301, 302, 303, 305, 307, 308] {
            assert!(is_redirect(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [200, 204, 304, 400, 401, 500] {
            assert!(!is_redirect(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }
}
