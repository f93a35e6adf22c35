//! When a request is sent again and how long to wait first; and the API's rate-limit headers.
//!
//! What is retried:
//!
//! - `429 Too Many Requests`, whatever the method: the API refused the request before acting
//!   on it, so sending it again cannot do anything twice.
//! - `500`, `502`, `503` and `504`, and a failure to get a whole answer (a connection reset or
//!   closed mid-response, a timeout), only for requests that are safe to repeat: `GET`, `HEAD`,
//!   `OPTIONS` and `DELETE`. A `POST` or `PATCH` may have been carried out before the failure;
//!   sending it again could create a resource twice, so it fails at once and the caller decides.
//! - A failure to connect at all, whatever the method: nothing was sent.
//!
//! How long to wait: a `Retry-After` header (seconds or an HTTP date) is obeyed, up to
//! [`DEFAULT_MAX_RETRY_AFTER`] unless configured otherwise (a number of seconds too large for
//! any integer is still a number: it waits that cap); else the wait is exponential,
//! `base × 2^retry` capped at `cap`, with "equal jitter": a uniformly random time between half
//! of that and all of it, so that clients refused together do not all come back together.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How many times a request is retried, unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The first wait between attempts, doubled for each further retry, unless configured
/// otherwise.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_millis(200);

/// The longest exponential wait between attempts, unless configured otherwise.
pub const DEFAULT_BACKOFF_CAP: Duration = Duration::from_secs(5);

/// The longest wait a `Retry-After` header obtains, unless configured otherwise: a longer one is
/// cut to it.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A client's retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            base: DEFAULT_BACKOFF_BASE,
            cap: DEFAULT_BACKOFF_CAP,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetryPolicy {
    /// How long to wait before sending again a request answered with `status` (a failure),
    /// after `retries` retries; `None` when the answer is final.
    pub(crate) fn after_status(
        &self,
        method: &Method,
        status: StatusCode,
        headers: &HeaderMap,
        retries: u32,
    ) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let retryable = status == StatusCode::TOO_MANY_REQUESTS
            || (is_transient_server_error(status) && is_safe_to_repeat(method));
        if !retryable {
            return None;
        }
        Some(match retry_after(headers, SystemTime::now()) {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(retries),
        })
    }

    /// How long to wait before sending again a request that got no whole answer, after
    /// `retries` retries; `None` when it must not be sent again.
    pub(crate) fn after_transport_error(
        &self,
        method: &Method,
        error: &reqwest::Error,
        retries: u32,
    ) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        // A connect error happens before any byte of the request is written.
        (error.is_connect() || is_safe_to_repeat(method)).then(|| self.backoff(retries))
    }

    /// The exponential wait before retry number `retries + 1`, with equal jitter.
    fn backoff(&self, retries: u32) -> Duration {
        let full = self
            .base
            .saturating_mul(2u32.saturating_pow(retries))
            .min(self.cap);
        let half = full / 2;
        half + half.mul_f64(unit_random())
    }
}

/// What kind of failure a transport error is, in a few words without its URL (which holds
/// the query), for spans.
pub(crate) fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the answer was cut off"
    } else {
        "the connection failed"
    }
}

/// Whether sending `method` twice has the effect of sending it once.
pub(crate) fn is_safe_to_repeat(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE
    )
}

/// A server error that another attempt may not meet.
fn is_transient_server_error(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for: delay-seconds, or an HTTP date (a past date
/// asks for none). `None` when there is no such header or it cannot be read.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than a u64 holds is still a number: a very long wait, cut to the cap.
        return Some(
            value
                .parse::<u64>()
                .map_or(Duration::MAX, Duration::from_secs),
        );
    }
    // IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) is a valid RFC 2822 date.
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(date.timestamp()).ok()?))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in `[0, 1)`, from xorshift64* over a process-wide state advanced by a Weyl
/// sequence and mixed with the clock: enough to spread retries, not for cryptography.
fn unit_random() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64);
    let counter = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    let mut x = (counter ^ nanos) | 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    let mixed = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
    // The top 53 bits, as a fraction of 2^53.
    (mixed >> 11) as f64 / (1u64 << 53) as f64
}

/// The API's rate limit, as its last response reported it (`X-Ratelimit-*` headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in each interval (`X-Ratelimit-Limit`).
    pub limit: Option<u64>,
    /// The length of the interval (`X-Ratelimit-Interval`, in seconds).
    pub interval: Option<Duration>,
    /// Requests still allowed in the current interval (`X-Ratelimit-Remaining`).
    pub remaining: Option<u64>,
}

impl RateLimit {
    /// The rate limit a response's headers report; `None` when they report none.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        let limit = number("x-ratelimit-limit");
        let interval = number("x-ratelimit-interval").map(Duration::from_secs);
        let remaining = number("x-ratelimit-remaining");
        (limit.is_some() || interval.is_some() || remaining.is_some()).then_some(Self {
            limit,
            interval,
            remaining,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    // Retry-After is read as seconds or as an HTTP date; a past date means no wait, garbage means no header.
    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let read = |value: &str| retry_after(&headers(&[("retry-after", value)]), now);
        assert_eq!(read("7"), Some(Duration::from_secs(7)));
        assert_eq!(read(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            read("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(read("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(read("soon"), None);
        assert_eq!(read("-3"), None);
        assert_eq!(read("+3"), None);
        assert_eq!(read("18446744073709551616"), Some(Duration::MAX));
        assert_eq!(read(&"9".repeat(400)), Some(Duration::MAX));
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    // A 429 is retried for any method, honouring Retry-After up to the cap; 5xx only for safe methods.
    #[test]
    fn which_statuses_are_retried() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let tmr = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            policy.after_status(&Method::POST, tmr, &headers(&[("retry-after", "2")]), 0),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.after_status(&Method::PATCH, tmr, &headers(&[("retry-after", "3600")]), 0),
            Some(DEFAULT_MAX_RETRY_AFTER)
        );
        let beyond_u64 = headers(&[("retry-after", "99999999999999999999999")]);
        assert_eq!(
            policy.after_status(&Method::GET, tmr, &beyond_u64, 0),
            Some(DEFAULT_MAX_RETRY_AFTER),
            "a Retry-After beyond a u64 saturates to the cap"
        );
        for method in [Method::GET, Method::DELETE, Method::HEAD, Method::OPTIONS] {
            for status in [500, 502, 503, 504] {
                let status = StatusCode::from_u16(status).expect("a status");
                assert!(policy.after_status(&method, status, &none, 0).is_some());
            }
        }
        for method in [Method::POST, Method::PATCH, Method::PUT] {
            assert_eq!(
                policy.after_status(&method, StatusCode::INTERNAL_SERVER_ERROR, &none, 0),
                None
            );
            assert_eq!(
                policy.after_status(&method, StatusCode::SERVICE_UNAVAILABLE, &none, 0),
                None
            );
        }
        for status in [400, 401, 404, 422, 501] {
            let status = StatusCode::from_u16(status).expect("a status");
            assert_eq!(policy.after_status(&Method::GET, status, &none, 0), None);
        }
        assert_eq!(
            policy.after_status(&Method::GET, tmr, &none, DEFAULT_MAX_RETRIES),
            None,
            "no retry beyond the limit"
        );
    }

    // The exponential wait doubles from the base, stays under the cap, and is jittered within [half, full].
    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let policy = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for (retries, full) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1000),
            (40, 1000),
        ] {
            let full = Duration::from_millis(full);
            let waits: Vec<Duration> = (0..50).map(|_| policy.backoff(retries)).collect();
            assert!(
                waits.iter().all(|wait| *wait >= full / 2 && *wait <= full),
                "retry {retries}: {waits:?}"
            );
            assert!(
                waits.iter().any(|wait| *wait != waits[0]),
                "retry {retries} is jittered: {waits:?}"
            );
        }
    }

    // The jitter source stays in [0, 1).
    #[test]
    fn unit_random_is_a_fraction() {
        for _ in 0..10_000 {
            let x = unit_random();
            assert!((0.0..1.0).contains(&x), "{x}");
        }
    }

    // Rate-limit headers are read when present, and absent headers give no rate limit.
    #[test]
    fn rate_limit_headers_are_read() {
        let read = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "50"),
            ("x-ratelimit-interval", "10"),
            ("x-ratelimit-remaining", "49"),
        ]));
        assert_eq!(
            read,
            Some(RateLimit {
                limit: Some(50),
                interval: Some(Duration::from_secs(10)),
                remaining: Some(49),
            })
        );
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
        assert_eq!(
            RateLimit::from_headers(&headers(&[("x-ratelimit-remaining", "many")])),
            None
        );
    }
}
