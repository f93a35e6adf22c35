//! Spans and events through the `tracing` crate, with the `tracing` feature; nothing without
//! it. They carry methods, paths (under the base URL, without the query), attempts, statuses
//! and waits: never a header, a body, a token or a secret.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use reqwest::{Method, StatusCode};

/// A span around one attempt at a request, or one token request.
pub(crate) struct Span {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Span {
    /// `commercelayer.request`: attempt number `attempt` (from 1) at `method path`.
    pub(crate) fn request(method: &Method, path: &str, attempt: u32) -> Self {
        #[cfg(feature = "tracing")]
        {
            Self {
                span: tracing::info_span!(
                    "commercelayer.request",
                    method = %method,
                    path = %path,
                    attempt,
                    status = tracing::field::Empty,
                ),
            }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = (method, path, attempt);
            Self {}
        }
    }

    /// `commercelayer.token`: a token request to `url`.
    pub(crate) fn token(url: &str) -> Self {
        #[cfg(feature = "tracing")]
        {
            Self {
                span: tracing::info_span!(
                    "commercelayer.token",
                    url = %url,
                    status = tracing::field::Empty,
                ),
            }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = url;
            Self {}
        }
    }

    /// Runs `future` inside the span.
    pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            future.instrument(self.span.clone()).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            future.await
        }
    }

    /// Records the answer's status.
    pub(crate) fn record_status(&self, status: StatusCode) {
        #[cfg(feature = "tracing")]
        self.span.record("status", status.as_u16());
        #[cfg(not(feature = "tracing"))]
        let _ = status;
    }

    /// An event in the span: the attempt failed for `reason` and the request is sent again
    /// after `wait`.
    pub(crate) fn retrying(&self, reason: &dyn Display, wait: Duration) {
        #[cfg(feature = "tracing")]
        self.span.in_scope(|| {
            tracing::info!(
                reason = %reason,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
        });
        #[cfg(not(feature = "tracing"))]
        let _ = (reason, wait);
    }

    /// An event in the span: the API refused the token, and another is fetched.
    pub(crate) fn refreshing_token(&self) {
        #[cfg(feature = "tracing")]
        self.span
            .in_scope(|| tracing::info!("the API refused the access token: fetching another"));
    }
}
