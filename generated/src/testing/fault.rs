//! Faults a test asks the fake for: what goes wrong, on which requests, how many times.

use std::time::Duration;

/// What goes wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests`, with a `Retry-After` of this many seconds when set; the
    /// request is not acted on.
    TooManyRequests {
        /// The `Retry-After` header's value, in seconds.
        retry_after: Option<u64>,
    },
    /// A server error with this status (`500`, `502`, `503`...; a status outside 500..=599
    /// is answered as `500`); the request is not acted on.
    ServerError(u16),
    /// The answer comes this much later (the request is then handled as usual).
    Delay(Duration),
    /// The connection is closed without an answer; the request is not acted on.
    Drop,
}

/// A fault and the requests it applies to: every request unless narrowed by
/// [`FaultRule::on`], for ever unless limited by [`FaultRule::times`].
///
/// ```
/// use commercelayer::testing::{Fault, FaultRule};
///
/// // The next two creates of a customer group get a 503.
/// let rule = FaultRule::new(Fault::ServerError(503)).on("POST", "customer_groups").times(2);
/// # let _ = rule;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub(crate) fault: Fault,
    pub(crate) method: Option<String>,
    pub(crate) path: Option<Vec<String>>,
    pub(crate) remaining: Option<usize>,
}

impl FaultRule {
    /// `fault` on every request, until the rules are cleared.
    pub fn new(fault: Fault) -> Self {
        Self {
            fault,
            method: None,
            path: None,
            remaining: None,
        }
    }

    /// Only on requests with this method (`"GET"`, any case; `"*"` for any) and path under
    /// the base URL, by segments, where `*` stands for any one segment: `customer_groups`,
    /// `customer_groups/*`, `orders/*/line_items`.
    pub fn on(mut self, method: &str, path: &str) -> Self {
        self.method = (method != "*").then(|| method.to_ascii_uppercase());
        let path = path.trim_matches('/');
        self.path = Some(path.split('/').map(String::from).collect());
        self
    }

    /// Only for the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Whether the rule applies to a request (`path` under the base URL, decoded segments).
    pub(crate) fn applies(&self, method: &str, segments: &[&str]) -> bool {
        if self.remaining == Some(0) {
            return false;
        }
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        match &self.path {
            None => true,
            Some(pattern) => {
                pattern.len() == segments.len()
                    && pattern
                        .iter()
                        .zip(segments)
                        .all(|(p, s)| p == "*" || p == s)
            }
        }
    }
}
