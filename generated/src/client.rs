//! The client: where requests are built, authenticated, sent, retried and their answers
//! classified. Authentication lives in `auth.rs`, retry decisions in `retry.rs`, spans in
//! `trace.rs`; [`Client::send`] ties them together.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};

use crate::auth::{Auth, Bearer, Credentials, DEFAULT_AUTH_URL, TokenSource};
use crate::error::{Error, Result, from_failure};
use crate::jsonapi::Secret;
use crate::query::Query;
use crate::retry::{RateLimit, RetryPolicy, failure_kind};
use crate::trace;

/// The JSON:API media type: every request accepts it and every write is sent as it.
pub const JSON_API: &str = "application/vnd.api+json";

/// The `User-Agent` sent with every request: this crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));

/// How long one attempt at a request may take, unless the client or the call says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// A Commerce Layer API client for one organization.
///
/// Cheap to clone: clones share one connection pool, one access token cache and one rate
/// limit record. Built with [`Client::builder`], from an access token:
///
/// ```no_run
/// # fn main() -> commercelayer::Result<()> {
/// let client = commercelayer::Client::builder()
///     .organization("acme")
///     .access_token("your-access-token")
///     .build()?;
/// assert_eq!(client.base_url(), "https://acme.commercelayer.io/api");
/// # Ok(())
/// # }
/// ```
///
/// or from client credentials, which it exchanges for access tokens as needed:
///
/// ```no_run
/// # fn main() -> commercelayer::Result<()> {
/// let client = commercelayer::Client::builder()
///     .organization("acme")
///     .client_id("your-client-id")
///     .client_secret("your-client-secret")
///     .scope("market:code:europe")
///     .build()?;
/// # Ok(())
/// # }
/// ```
///
/// Every request is retried on `429`, and, when it is safe to repeat, on a server error or a
/// lost connection (see [`ClientBuilder::max_retries`]); its `Debug` never shows a token or a
/// secret.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Mutex<Option<RateLimit>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.retry.max_retries)
            .finish_non_exhaustive()
    }
}

/// An answer, successful or not, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Client {
    /// A client for the API at `base_url` (such as `https://acme.commercelayer.io/api`),
    /// authenticated with `access_token`.
    pub fn new(base_url: &str, access_token: &str) -> Result<Self> {
        Self::builder()
            .base_url(base_url)
            .access_token(access_token)
            .build()
    }

    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API's base URL, without a trailing slash (`https://acme.commercelayer.io/api`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The rate limit the API reported in its latest answer that reported one (to this client
    /// or any of its clones); `None` before any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self
            .inner
            .rate_limit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends a request and returns the body of a successful answer; failures become
    /// [`Error::Api`], [`Error::UnexpectedResponse`], [`Error::Transport`] or
    /// [`Error::Auth`], and nothing is sent when the query is invalid.
    ///
    /// Each attempt gets a fresh access token (fetched when there is none or it is about to
    /// expire), the request's timeout (else the client's), and a span. A `401` to a token
    /// obtained with client credentials gets one new token and one more attempt; a `429`, a
    /// server error or a lost connection gets what [`RetryPolicy`] decides.
    pub(crate) async fn send(&self, mut request: Request) -> Result<Response> {
        let query = request.query.encode()?;
        let mut url = format!("{}/{}", self.inner.base_url, request.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let body = request.body.take().map(Bytes::from);
        let timeout = request.timeout.unwrap_or(self.inner.timeout);
        let policy = self.inner.retry;
        let mut attempt = 0;
        let mut retries = 0;
        let mut refreshed = false;
        // Whether an earlier attempt may have reached the API and acted (a lost answer, a
        // server error), rather than been refused before acting (a 401, a 429).
        let mut maybe_acted = false;
        loop {
            attempt += 1;
            let bearer = self.inner.auth.bearer().await?;
            let span = trace::Span::request(&request.method, &request.path, attempt);
            let outcome = span
                .run(self.attempt(&request, &url, body.clone(), timeout, &bearer))
                .await;
            let answer = match outcome {
                Ok(answer) => answer,
                Err(source) => {
                    match policy.after_transport_error(&request.method, &source, retries) {
                        Some(wait) => {
                            span.retrying(&failure_kind(&source), wait);
                            maybe_acted |= !source.is_connect();
                            retries += 1;
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        None => {
                            return Err(Error::Transport {
                                source: source.without_url(),
                            });
                        }
                    }
                }
            };
            span.record_status(answer.status);
            if let Some(rate_limit) = RateLimit::from_headers(&answer.headers) {
                *self
                    .inner
                    .rate_limit
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(rate_limit);
            }
            if answer.status.is_success() {
                return Ok(Response {
                    status: answer.status,
                    body: answer.body,
                });
            }
            // A DELETE sent again after an attempt whose answer was lost finds the resource
            // gone: the first attempt deleted it, which is what was asked.
            if request.method == Method::DELETE
                && answer.status == StatusCode::NOT_FOUND
                && maybe_acted
            {
                return Ok(Response {
                    status: StatusCode::NO_CONTENT,
                    body: Bytes::new(),
                });
            }
            // A 401 means the API did not accept the token, so it did not act on the request:
            // sending it again, even a POST, cannot do anything twice. The API answers 401
            // only for a missing, invalid or expired token (403 is for what the token may not
            // do), so a token obtained with client credentials is replaced, once per call.
            if answer.status == StatusCode::UNAUTHORIZED
                && !refreshed
                && self.inner.auth.invalidate(&bearer).await
            {
                refreshed = true;
                span.refreshing_token();
                continue;
            }
            if let Some(wait) =
                policy.after_status(&request.method, answer.status, &answer.headers, retries)
            {
                span.retrying(&answer.status, wait);
                maybe_acted |= answer.status.is_server_error();
                retries += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            let content_type = answer
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            return Err(from_failure(answer.status, content_type, &answer.body));
        }
    }

    /// Sends one attempt at `request` and reads its whole answer.
    async fn attempt(
        &self,
        request: &Request,
        url: &str,
        body: Option<Bytes>,
        timeout: Duration,
        bearer: &Bearer,
    ) -> std::result::Result<Answer, reqwest::Error> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .header(ACCEPT, JSON_API)
            .header(USER_AGENT, self.inner.user_agent.clone())
            .header(AUTHORIZATION, bearer.header.clone())
            .timeout(timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = body {
            builder = builder.header(CONTENT_TYPE, JSON_API).body(body);
        }
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// One request, before authentication.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The path under the base URL, already percent-encoded, without a leading slash.
    pub(crate) path: String,
    pub(crate) query: Query,
    /// A JSON:API document, for writes.
    pub(crate) body: Option<Vec<u8>>,
    /// Extra headers for this request.
    pub(crate) headers: HeaderMap,
    /// This request's timeout, overriding the client's.
    pub(crate) timeout: Option<Duration>,
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) body: bytes::Bytes,
}

/// Builds a [`Client`].
///
/// It needs where the API is ([`organization`](ClientBuilder::organization) or
/// [`base_url`](ClientBuilder::base_url)) and how to authenticate: an
/// [`access_token`](ClientBuilder::access_token), or client credentials
/// ([`client_id`](ClientBuilder::client_id), with an optional
/// [`client_secret`](ClientBuilder::client_secret) and [`scope`](ClientBuilder::scope)).
#[derive(Default)]
pub struct ClientBuilder {
    organization: Option<String>,
    base_url: Option<String>,
    access_token: Option<Secret>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    scope: Option<String>,
    auth_url: Option<String>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("organization", &self.organization)
            .field("base_url", &self.base_url)
            .field("access_token", &self.access_token)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scope", &self.scope)
            .field("auth_url", &self.auth_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.retry.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The organization's slug: the API is then `https://{slug}.commercelayer.io/api`.
    pub fn organization(mut self, slug: impl Into<String>) -> Self {
        self.organization = Some(slug.into());
        self
    }

    /// The API's base URL, for tests, proxies and other hosts; it takes precedence over
    /// [`ClientBuilder::organization`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The access token sent as `Authorization: Bearer {token}`, as it is: it is never
    /// refreshed. Use client credentials instead for a client that outlives its tokens.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(Secret::new(token));
        self
    }

    /// Authenticates with OAuth2 client credentials: the client asks the token endpoint
    /// ([`ClientBuilder::auth_url`]) for an access token with this client id, caches it for all
    /// its clones, and asks for another shortly before it expires (when a tenth of its
    /// lifetime, at most a minute, is left) or when the API refuses it with `401`.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The client secret sent with the [`client_id`](ClientBuilder::client_id), for
    /// integration applications (sales channels have none).
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(client_secret));
        self
    }

    /// The scope asked for with the [`client_id`](ClientBuilder::client_id), such as
    /// `market:code:europe`.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Where client credentials are exchanged for tokens; [`DEFAULT_AUTH_URL`] unless set.
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = Some(url.into());
        self
    }

    /// A `reqwest` client to send requests with, instead of one built for this client.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The `User-Agent` header, sent with every request (also through a client given to
    /// [`ClientBuilder::http_client`]); [`DEFAULT_USER_AGENT`] unless set.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How long one attempt at a request (connecting, sending, reading the whole answer) may
    /// take, and a token request too; [`DEFAULT_TIMEOUT`] (15 seconds) unless set. A call's own
    /// `.timeout(...)` overrides it. It also replaces the timeout of a client given to
    /// [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a request is sent again after a failure worth retrying;
    /// [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES) (3) unless set, 0 to never retry.
    ///
    /// A `429` is retried whatever the method (the API did not act on the request). A
    /// `500`, `502`, `503` or `504`, a timeout or a connection lost mid-answer is retried only
    /// for `GET`, `HEAD`, `OPTIONS` and `DELETE`: a `POST` or `PATCH` whose fate is unknown is
    /// never sent twice, so a create is never performed twice; it fails with the error. A
    /// failure to connect is retried whatever the method: nothing was sent.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The wait between attempts when the answer has no `Retry-After`: `base`, doubled for
    /// each further retry, at most `cap`, and randomly between half of that and all of it
    /// (200 ms and 5 s unless set).
    pub fn retry_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.retry.base = base;
        self.retry.cap = cap;
        self
    }

    /// The longest wait a `Retry-After` header obtains (a longer one is cut to it);
    /// [`DEFAULT_MAX_RETRY_AFTER`](crate::DEFAULT_MAX_RETRY_AFTER) (60 s) unless set.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// Builds the client; fails on a missing or invalid base URL, organization, token or
    /// client credentials, or on both a token and client credentials.
    pub fn build(self) -> Result<Client> {
        let base_url = match (self.base_url, self.organization) {
            (Some(url), _) => check_url(&url, "base URL")?
                .trim_end_matches('/')
                .to_string(),
            (None, Some(slug)) => {
                let valid = !slug.is_empty()
                    && slug
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    return Err(config(format!(
                        "{slug:?} is not an organization slug (lowercase letters, digits and dashes)"
                    )));
                }
                format!("https://{slug}.commercelayer.io/api")
            }
            (None, None) => {
                return Err(config("set an organization slug or a base URL"));
            }
        };
        let user_agent = match self.user_agent {
            Some(agent) => HeaderValue::from_str(&agent)
                .map_err(|_| config("the user agent contains characters a header cannot carry"))?,
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(config("the timeout must be longer than zero"));
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                // rustls with the ring provider: installed once per process; an error only
                // means another provider is already installed, which is as good.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .build()
                    .map_err(|e| config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let auth = match (self.access_token, self.client_id) {
            (Some(_), Some(_)) => {
                return Err(config(
                    "set either an access token or client credentials, not both",
                ));
            }
            (Some(token), None) => {
                if self.client_secret.is_some() || self.scope.is_some() || self.auth_url.is_some() {
                    return Err(config(
                        "a client secret, scope or auth URL needs a client id, not an access token",
                    ));
                }
                let mut header = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        config("the access token contains characters a header cannot carry")
                    })?;
                header.set_sensitive(true);
                Auth::Token(header)
            }
            (None, Some(client_id)) => {
                if client_id.is_empty() {
                    return Err(config("the client id is empty"));
                }
                let url = match self.auth_url {
                    Some(url) => check_url(&url, "auth URL")?.to_string(),
                    None => DEFAULT_AUTH_URL.to_string(),
                };
                let credentials = Credentials {
                    url,
                    client_id,
                    client_secret: self.client_secret,
                    scope: self.scope,
                };
                Auth::Credentials(Box::new(TokenSource::new(
                    credentials,
                    http.clone(),
                    user_agent.clone(),
                    timeout,
                )))
            }
            (None, None) => {
                return Err(config(
                    "set an access token or client credentials (a client id)",
                ));
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth,
                user_agent,
                timeout,
                retry: self.retry,
                rate_limit: Mutex::new(None),
            }),
        })
    }
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

/// Checks a base or auth URL: http or https, no query or fragment, and no credentials (which
/// the message then does not repeat).
fn check_url<'a>(url: &'a str, what: &str) -> Result<&'a str> {
    // The text is not repeated: it may hold credentials that could not be parsed out.
    let parsed =
        reqwest::Url::parse(url).map_err(|e| config(format!("the {what} is not a URL: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(config(format!(
            "the {what} cannot carry credentials: set them on the builder"
        )));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(config(format!("{url:?} is not an http or https URL")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(config(format!(
            "{url:?}: a {what} cannot have a query or a fragment"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    // An unconfigured client gets the documented timeout and retry defaults.
    #[test]
    fn defaults_are_the_documented_ones() {
        let client = Client::new("https://acme.commercelayer.io/api", "t").expect("a client");
        assert_eq!(client.inner.timeout, Duration::from_secs(15));
        assert_eq!(client.inner.retry, RetryPolicy::default());
        assert_eq!(client.inner.retry.max_retries, 3);
        assert_eq!(client.rate_limit(), None);
    }

    // Contradictory or incomplete authentication settings are refused when building.
    #[test]
    fn authentication_settings_are_checked() {
        let builder = || Client::builder().organization("acme");
        let refused = [
            builder(),
            builder().access_token("t").client_id("id"),
            builder().access_token("t").client_secret("s"),
            builder().access_token("t").scope("market:all"),
            builder().client_id(""),
            builder().client_id("id").auth_url("ftp://auth.example.com"),
            builder()
                .client_id("id")
                .auth_url("https://user:pw@auth.example.com/oauth/token"),
            builder().access_token("t").timeout(Duration::ZERO),
        ];
        for builder in refused {
            let debug = format!("{builder:?}");
            match builder.build() {
                Err(Error::Config { message }) => assert!(!message.contains("pw@"), "{message}"),
                other => panic!("{debug} built: {other:?}"),
            }
        }
        builder()
            .client_id("id")
            .client_secret("s")
            .scope("market:code:europe")
            .auth_url("http://127.0.0.1:1/oauth/token")
            .build()
            .expect("client credentials make a client");
    }
}
