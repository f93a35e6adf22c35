//! The client: where requests are built, authenticated, sent, retried and their answers
//! classified. Authentication lives in `auth/`, retry decisions in `retry.rs`, spans in
//! `trace.rs`; [`Client::send`] ties them together.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::auth::{
    Auth, Bearer, BoxFuture, Claims, DEFAULT_DOMAIN, Grant, RefreshCallback, Refreshed, Session,
    Token, TokenSource, TokenStore,
};
use crate::call::RawRequest;
use crate::error::{Error, Origin, RequestLine, Result, from_failure};
use crate::jsonapi::Secret;
use crate::pacing::{self, Answered, ApiMode, Pacer, Pacing, RequestClass};
use crate::query::Query;
use crate::redact::Redactor;
use crate::retry::{RateLimit, RetryPolicy, failure_kind};
use crate::trace;
use crate::transport::{DEFAULT_MAX_RESPONSE_SIZE, Http, Unread, location};

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
/// or from any other grant (see [`auth`](crate::auth)), such as a customer's login:
///
/// ```no_run
/// # async fn run() -> commercelayer::Result<()> {
/// let client = commercelayer::Client::builder()
///     .organization("acme")
///     .client_id("sales-channel-client-id")
///     .password("john@example.com", "s3creT")
///     .scope("market:code:europe")
///     .build()?;
/// // ... calls as the customer; the session renews itself with its refresh token.
/// client.revoke().await?; // logs out
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
    http: Http,
    base_url: String,
    /// The base URL's path, as sent (`/api`), which starts the path errors name.
    base_path: String,
    /// The base URL's host and port, which errors name.
    host: String,
    auth: Auth,
    retry: RetryPolicy,
    rate_limit: Mutex<Option<RateLimit>>,
    /// The limiter every clone shares.
    pacer: Pacer,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("timeout", &self.inner.http.timeout())
            .field("max_retries", &self.inner.retry.max_retries)
            .field("max_response_size", &self.inner.http.max_response_size())
            .field("api_mode", &self.inner.pacer.mode())
            .finish_non_exhaustive()
    }
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

    /// The token requests are sent with now: the one given, or the newest the session
    /// obtained (or restored); `None` before the first call needing one. Its `Debug` shows no
    /// token.
    pub fn token(&self) -> Option<Token> {
        self.inner.auth.token()
    }

    /// The newest refresh token the session got, to keep for a later session
    /// ([`ClientBuilder::refresh_token`]); it changes when the endpoint rotates it.
    pub fn refresh_token(&self) -> Option<String> {
        self.token()
            .and_then(|token| token.refresh_token().map(str::to_string))
    }

    /// Revokes the client's current token (for a logout): `POST`s the client id, the client
    /// secret when set, and the token to the revoke endpoint (the auth URL with its last
    /// segment, `token`, replaced by `revoke`: `https://auth.commercelayer.io/oauth/revoke`),
    /// then forgets the token, and clears the [`TokenStore`].
    ///
    /// Revoking an access token revokes its refresh token too. Nothing is sent when the
    /// client has no token yet. The next call obtains a new token as the first did (client
    /// credentials and a password log in again; an authorization code, used already, fails).
    /// A client given only an access token cannot revoke it (that needs a client id), nor can
    /// a [`TokenSource`] that does not implement [`TokenSource::revoke`]. Failures are
    /// [`Error::Auth`], with the endpoint's status and reason, never a token or secret.
    pub async fn revoke(&self) -> Result<()> {
        self.inner.auth.revoke().await
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

    /// The mode (test or live) the client's pacing uses the limits of, once known: set with
    /// [`Pacing::mode`], or learnt from the first answer's `meta.mode`. `None` before that,
    /// and when pacing is off.
    pub fn api_mode(&self) -> Option<ApiMode> {
        self.inner.pacer.mode()
    }

    /// Sets the mode the pacing uses the limits of (test or live), once the token's `test`
    /// claim says it.
    pub(crate) fn set_mode(&self, mode: ApiMode) {
        self.inner.pacer.set_mode(mode);
    }

    /// A request to any endpoint of the API, for those the specs do not cover (such as the
    /// Metrics API): `path` is under the base URL (`customer_groups/{id}/markets`), or, when
    /// it starts with `/`, under the API's host (`/metrics/orders/breakdown`).
    ///
    /// It shares everything with the generated calls: authentication, retries, pacing, the
    /// body cap and the errors. A path that names another host, holds a query or a
    /// fragment, a `.` or `..` segment, an empty segment or a character that needs
    /// percent-encoding fails with [`Error::InvalidRequest`] when sent, and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: commercelayer::Client) -> commercelayer::Result<()> {
    /// use commercelayer::{HeaderValue, Method, json};
    ///
    /// let breakdown = client
    ///     .request(Method::POST, "/metrics/orders/breakdown")
    ///     .accept(HeaderValue::from_static("application/vnd.api.v1+json"))
    ///     .json(&json!({"breakdown": {"by": "market.name", "field": "order.id", "operator": "value_count"}}))
    ///     .send()
    ///     .await?;
    /// println!("{} {}", breakdown.status(), String::from_utf8_lossy(breakdown.body()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RawRequest {
        RawRequest::new(self, method, path)
    }

    /// Sends a request and returns the body of a successful answer; failures become
    /// [`Error::Api`], [`Error::UnexpectedResponse`], [`Error::Redirect`],
    /// [`Error::ResponseTooLarge`], [`Error::Transport`] or [`Error::Auth`], each naming the
    /// request, and nothing is sent when the query is invalid.
    ///
    /// Each attempt gets a fresh access token (fetched when there is none or it is about to
    /// expire), the request's timeout (else the client's), and a span. A `401` to a token
    /// obtained with client credentials gets one new token and one more attempt; a `429`, a
    /// server error or a lost connection gets what [`RetryPolicy`] decides. A redirect is
    /// never followed, nor retried. What the errors hold of the answer is scrubbed of every
    /// token sent and of the client secret.
    ///
    /// Each attempt first waits for its place in the rate-limit windows ([`Pacer`]), which
    /// it keeps until its answer is in; a `429` the limiter knows the window of is retried
    /// when the window has room, not after the backoff.
    ///
    /// The future is boxed: it is a few KiB, and every call awaits it inside its own.
    pub(crate) fn send(
        &self,
        request: Request,
    ) -> Pin<Box<dyn Future<Output = Result<Response>> + Send + '_>> {
        Box::pin(self.send_now(request))
    }

    async fn send_now(&self, mut request: Request) -> Result<Response> {
        let query = request.query.encode()?;
        let (line_path, mut url) = if request.from_origin {
            let origin = reqwest::Url::parse(&self.inner.base_url)
                .map_err(|_| config("the base URL is not a URL"))?
                .origin()
                .ascii_serialization();
            (request.path.clone(), format!("{origin}{}", request.path))
        } else {
            (
                format!("{}/{}", self.inner.base_path, request.path),
                format!("{}/{}", self.inner.base_url, request.path),
            )
        };
        // The path the limits see: under the base URL when it is there.
        let paced_path = if request.from_origin {
            line_path
                .strip_prefix(self.inner.base_path.as_str())
                .filter(|rest| rest.starts_with('/'))
                .unwrap_or(&line_path)
        } else {
            request.path.as_str()
        };
        let class = RequestClass::of(&request.method, paced_path);
        let endpoint = pacing::endpoint(paced_path).to_string();
        let line = RequestLine::new(request.method.clone(), line_path.clone());
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let body = request.body.take().map(Bytes::from);
        let timeout = request.timeout.unwrap_or(self.inner.http.timeout());
        let policy = self.inner.retry;
        let mut attempt = 0;
        let mut retries = 0;
        let mut refreshed = false;
        // Whether an earlier attempt may have reached the API and acted (a lost answer, a
        // server error), rather than been refused before acting (a 401, a 429).
        let mut maybe_acted = false;
        // Every Authorization header sent, to scrub what the answers echo of them.
        let mut sent: Vec<HeaderValue> = Vec::new();
        loop {
            attempt += 1;
            let permit = self.inner.pacer.acquire(class, &endpoint).await;
            let bearer = self
                .inner
                .auth
                .bearer()
                .await
                .map_err(|error| error.in_request(&line))?;
            if !sent.contains(&bearer.header) {
                // A new token: its `test` claim says which limits the pacing keeps to, before
                // any answer says so.
                if self.inner.pacer.needs_mode() {
                    if let Some(mode) = mode_of_bearer(&bearer.header) {
                        self.set_mode(mode);
                    }
                }
                sent.push(bearer.header.clone());
            }
            let span = trace::Span::request(&request.method, &request.path, attempt);
            let outcome = span
                .run(self.attempt(&request, &url, body.clone(), timeout, &bearer))
                .await;
            let answer = match outcome {
                Ok(answer) => answer,
                Err(source) => {
                    drop(permit);
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
                                request: line,
                                host: self.inner.host.clone(),
                                attempts: attempt,
                                source: source.without_url(),
                            });
                        }
                    }
                }
            };
            span.record_status(answer.status);
            let throttled = permit.finish(Answered {
                status: answer.status,
                headers: &answer.headers,
                max_retry_after: policy.max_retry_after,
            });
            if let Some(rate_limit) = RateLimit::from_headers(&answer.headers) {
                *self
                    .inner
                    .rate_limit
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(rate_limit);
            }
            if matches!(answer.body, Err(Unread::Redirect)) {
                let redactor = self.redactor(&sent);
                return Err(Error::Redirect {
                    request: line,
                    status: answer.status,
                    location: location(&answer.headers).map(|to| redactor.line(&to)),
                });
            }
            if answer.status.is_success() {
                let body = match answer.body {
                    Ok(body) => body,
                    Err(_) => return Err(self.too_large(line, answer.status)),
                };
                if self.inner.pacer.needs_mode() {
                    if let Some(mode) = pacing::mode_of(&body) {
                        self.inner.pacer.set_mode(mode);
                    }
                }
                return Ok(Response {
                    body,
                    headers: answer.headers,
                    origin: Origin {
                        status: answer.status,
                        request: Some(line),
                        redactor: self.redactor(&sent),
                    },
                });
            }
            // A DELETE sent again after an attempt whose answer was lost finds the resource
            // gone: the first attempt deleted it, which is what was asked.
            if request.method == Method::DELETE
                && answer.status == StatusCode::NOT_FOUND
                && maybe_acted
            {
                return Ok(Response {
                    body: Bytes::new(),
                    headers: answer.headers,
                    origin: Origin {
                        status: StatusCode::NO_CONTENT,
                        request: Some(line),
                        redactor: Redactor::default(),
                    },
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
                maybe_acted |= answer.status.is_server_error();
                retries += 1;
                match throttled {
                    // The limiter holds the next attempt until the window has room.
                    Some(window) => span.retrying(&answer.status, window),
                    None => {
                        span.retrying(&answer.status, wait);
                        tokio::time::sleep(wait).await;
                    }
                }
                continue;
            }
            let body = match answer.body {
                Ok(body) => body,
                Err(_) => return Err(self.too_large(line, answer.status)),
            };
            let content_type = answer
                .headers
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            return Err(from_failure(
                &line,
                answer.status,
                content_type.as_deref(),
                &body,
                &self.redactor(&sent),
            ));
        }
    }

    /// A redactor of the `Authorization` headers `sent` and of the secrets of the
    /// authentication (client secret, password, refresh tokens...).
    fn redactor(&self, sent: &[HeaderValue]) -> Redactor {
        let secrets = self.inner.auth.secrets();
        let mut redactor = Redactor::new(secrets.iter().map(String::as_str));
        for header in sent {
            let text = String::from_utf8_lossy(header.as_bytes());
            let token = text.strip_prefix("Bearer ").unwrap_or(&text);
            redactor.add(token);
        }
        redactor
    }

    fn too_large(&self, request: RequestLine, status: StatusCode) -> Error {
        Error::ResponseTooLarge {
            request,
            status,
            limit: self.inner.http.max_response_size(),
        }
    }

    /// Sends one attempt at `request` and reads its answer (see [`Http::send`]).
    async fn attempt(
        &self,
        request: &Request,
        url: &str,
        body: Option<Bytes>,
        timeout: Duration,
        bearer: &Bearer,
    ) -> std::result::Result<crate::transport::Answer, reqwest::Error> {
        let accept = match &request.accept {
            Some(accept) => accept.clone(),
            None => HeaderValue::from_static(JSON_API),
        };
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .header(ACCEPT, accept)
            .header(AUTHORIZATION, bearer.header.clone())
            .timeout(timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = body {
            builder = builder.header(CONTENT_TYPE, JSON_API).body(body);
        }
        self.inner.http.send(builder).await
    }
}

/// The mode a bearer token's `test` claim gives, when the token is a Commerce Layer access
/// token (a JWT whose claims decode); `None` for any other token.
fn mode_of_bearer(header: &HeaderValue) -> Option<ApiMode> {
    let token = header.to_str().ok()?.strip_prefix("Bearer ")?;
    let claims = Claims::decode_ignoring_expiry(token).ok()?;
    Some(if claims.test() {
        ApiMode::Test
    } else {
        ApiMode::Live
    })
}

/// One request, before authentication.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The path under the base URL, already percent-encoded, without a leading slash; or,
    /// with `from_origin`, the path under the API's host, with its leading slash.
    pub(crate) path: String,
    /// Whether `path` is under the host rather than the base URL.
    pub(crate) from_origin: bool,
    /// The `Accept` header, when not [`JSON_API`].
    pub(crate) accept: Option<HeaderValue>,
    pub(crate) query: Query,
    /// A JSON:API document, for writes.
    pub(crate) body: Option<Vec<u8>>,
    /// Extra headers for this request.
    pub(crate) headers: HeaderMap,
    /// This request's timeout, overriding the client's.
    pub(crate) timeout: Option<Duration>,
}

/// A successful answer: its body, and where it came from (for the errors decoding it may
/// give).
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) body: Bytes,
    pub(crate) headers: HeaderMap,
    pub(crate) origin: Origin,
}

/// Builds a [`Client`].
///
/// It needs where the API is ([`organization`](ClientBuilder::organization) or
/// [`base_url`](ClientBuilder::base_url), or neither with an access token, whose claims name
/// the organization) and how to authenticate, one of:
///
/// - an [`access_token`](ClientBuilder::access_token), sent as it is (or replaced by a
///   [`refresh_with`](ClientBuilder::refresh_with) callback);
/// - a grant, with a [`client_id`](ClientBuilder::client_id) and, where the credentials have
///   them, a [`client_secret`](ClientBuilder::client_secret) and a
///   [`scope`](ClientBuilder::scope): client credentials (the client id alone),
///   [`password`](ClientBuilder::password), [`refresh_token`](ClientBuilder::refresh_token),
///   [`authorization_code`](ClientBuilder::authorization_code) or
///   [`jwt_bearer`](ClientBuilder::jwt_bearer);
/// - a [`token_source`](ClientBuilder::token_source) of your own.
///
/// A [`token_store`](ClientBuilder::token_store) keeps a session's tokens between runs.
#[derive(Default)]
pub struct ClientBuilder {
    organization: Option<String>,
    base_url: Option<String>,
    domain: Option<String>,
    access_token: Option<Secret>,
    refresh_with: Option<RefreshCallback>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    scope: Option<String>,
    auth_url: Option<String>,
    revoke_url: Option<String>,
    grants: Vec<PendingGrant>,
    code_verifier: Option<Secret>,
    token_source: Option<Box<dyn TokenSource>>,
    token_store: Option<Box<dyn TokenStore>>,
    http: Option<reqwest::ClientBuilder>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    max_response_size: Option<usize>,
    retry: RetryPolicy,
    pacing: Pacing,
}

/// A grant set on the builder, other than client credentials.
enum PendingGrant {
    Password { username: String, password: Secret },
    RefreshToken(Secret),
    AuthorizationCode { code: Secret, redirect_uri: String },
    JwtBearer(Secret),
}

impl PendingGrant {
    fn name(&self) -> &'static str {
        match self {
            PendingGrant::Password { .. } => "password",
            PendingGrant::RefreshToken(_) => "refresh token",
            PendingGrant::AuthorizationCode { .. } => "authorization code",
            PendingGrant::JwtBearer(_) => "JWT bearer",
        }
    }

    fn into_grant(self, client_id: String) -> Grant {
        match self {
            PendingGrant::Password { username, password } => {
                Grant::password(client_id, username, password.into_inner())
            }
            PendingGrant::RefreshToken(token) => {
                Grant::refresh_token(client_id, token.into_inner())
            }
            PendingGrant::AuthorizationCode { code, redirect_uri } => {
                Grant::authorization_code(client_id, code.into_inner(), redirect_uri)
            }
            PendingGrant::JwtBearer(assertion) => {
                Grant::jwt_bearer(client_id, assertion.into_inner())
            }
        }
    }
}

/// URLs are shown without their credentials or query, which may hold secrets; grants by
/// name only.
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grants: Vec<&str> = self.grants.iter().map(PendingGrant::name).collect();
        f.debug_struct("ClientBuilder")
            .field("organization", &self.organization)
            .field("base_url", &self.base_url.as_deref().map(shown_url))
            .field("domain", &self.domain)
            .field("access_token", &self.access_token)
            .field(
                "refresh_with",
                &self.refresh_with.as_ref().map(|_| "<callback>"),
            )
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scope", &self.scope)
            .field("auth_url", &self.auth_url.as_deref().map(shown_url))
            .field("revoke_url", &self.revoke_url.as_deref().map(shown_url))
            .field("grants", &grants)
            .field("code_verifier", &self.code_verifier)
            .field(
                "token_source",
                &self.token_source.as_ref().map(|_| "<source>"),
            )
            .field("token_store", &self.token_store.as_ref().map(|_| "<store>"))
            .field("timeout", &self.timeout)
            .field("max_response_size", &self.max_response_size)
            .field("max_retries", &self.retry.max_retries)
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The organization's slug: the API is then `https://{slug}.commercelayer.io/api` (with
    /// another [`domain`](ClientBuilder::domain), `https://{slug}.{domain}/api`).
    pub fn organization(mut self, slug: impl Into<String>) -> Self {
        self.organization = Some(slug.into());
        self
    }

    /// The API's base URL, for tests, proxies and other hosts; it takes precedence over
    /// [`ClientBuilder::organization`].
    ///
    /// A URL without a path (`https://acme.commercelayer.io`, as the vendor's documentation
    /// gives the base endpoint, or with a trailing `/`) gets the API's `/api`; any other path
    /// is kept as given. It must be `http` or `https`, and carry no credentials, query or
    /// fragment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The domain of Commerce Layer's endpoints, for other environments:
    /// [`DEFAULT_DOMAIN`](crate::auth::DEFAULT_DOMAIN) (`commercelayer.io`) unless set. The API is then
    /// `https://{organization}.{domain}/api` (the organization given, or named by the access
    /// token) and the token endpoint `https://auth.{domain}/oauth/token` (unless
    /// [`auth_url`](ClientBuilder::auth_url) says otherwise).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// The access token sent as `Authorization: Bearer {token}`, as it is: never replaced
    /// (unless with [`refresh_with`](ClientBuilder::refresh_with)). Use a grant instead for a
    /// client that outlives its tokens.
    ///
    /// Without an [`organization`](ClientBuilder::organization) or a
    /// [`base_url`](ClientBuilder::base_url), the API is the one the token's claims name:
    /// `https://{organization.slug}.commercelayer.io/api` (see [`Claims`]).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(Secret::new(token));
        self
    }

    /// Replaces the [`access_token`](ClientBuilder::access_token) with what `callback`
    /// returns when it expires (by its JWT's `exp`; a tenth of its lifetime, at most a minute,
    /// early) or the API refuses it (`401`, then the call is sent once more): the vendor SDK's
    /// `refreshToken` hook. The callback gets the token being replaced, is called once however
    /// many calls need the token, and fails with [`auth::failure`](crate::auth::failure).
    ///
    /// ```no_run
    /// use commercelayer::auth::{self, Token};
    ///
    /// # fn run(token_from_the_browser: String) -> commercelayer::Result<()> {
    /// let client = commercelayer::Client::builder()
    ///     .access_token(token_from_the_browser)
    ///     .refresh_with(|expired: Token| async move {
    ///         // Ask whoever issued it for another.
    ///         let _ = expired;
    ///         Err::<Token, _>(auth::failure("the session ended"))
    ///     })
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn refresh_with<F, Fut>(mut self, callback: F) -> Self
    where
        F: Fn(Token) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Token>> + Send + 'static,
    {
        self.refresh_with = Some(Box::new(
            move |token| -> BoxFuture<'static, Result<Token>> { Box::pin(callback(token)) },
        ));
        self
    }

    /// The application's client id. Alone, it authenticates with OAuth2 client credentials:
    /// the client asks the token endpoint ([`ClientBuilder::auth_url`]) for an access token,
    /// caches it for all its clones, and asks for another shortly before it expires (when a
    /// tenth of its lifetime, at most a minute, is left) or when the API refuses it with `401`.
    /// With [`password`](ClientBuilder::password), [`refresh_token`](ClientBuilder::refresh_token),
    /// [`authorization_code`](ClientBuilder::authorization_code) or
    /// [`jwt_bearer`](ClientBuilder::jwt_bearer), it goes with that grant.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The client secret sent with the [`client_id`](ClientBuilder::client_id), for
    /// integrations and webapps (sales channels have none).
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(client_secret));
        self
    }

    /// The scope asked for with the [`client_id`](ClientBuilder::client_id), such as
    /// `market:code:europe` (sent with each refresh too).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Where grants are exchanged for tokens; [`DEFAULT_AUTH_URL`](crate::DEFAULT_AUTH_URL)
    /// (`https://auth.commercelayer.io/oauth/token`) unless set.
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = Some(url.into());
        self
    }

    /// Where [`Client::revoke`] revokes tokens; unless set, the
    /// [`auth_url`](ClientBuilder::auth_url) with its last segment, `token`, replaced by
    /// `revoke`.
    pub fn revoke_url(mut self, url: impl Into<String>) -> Self {
        self.revoke_url = Some(url.into());
        self
    }

    /// Replaces a grant of the same kind, or adds this one.
    fn grant(mut self, grant: PendingGrant) -> Self {
        self.grants.retain(|set| set.name() != grant.name());
        self.grants.push(grant);
        self
    }

    /// Logs a customer in with the password grant (sales channels): sends `grant_type:
    /// password`, `username`, `password` and the [`client_id`](ClientBuilder::client_id)
    /// (with the [`scope`](ClientBuilder::scope) and
    /// [`client_secret`](ClientBuilder::client_secret) when set). The session then renews
    /// itself with the refresh token it gets, and logs in again if that is refused.
    pub fn password(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.grant(PendingGrant::Password {
            username: username.into(),
            password: Secret::new(password),
        })
    }

    /// Renews a session kept from an earlier login with its refresh token
    /// (`grant_type: refresh_token`, with the [`client_id`](ClientBuilder::client_id), and
    /// the same [`scope`](ClientBuilder::scope) it had). The endpoint may rotate it:
    /// [`Client::refresh_token`] gives the newest.
    pub fn refresh_token(self, refresh_token: impl Into<String>) -> Self {
        self.grant(PendingGrant::RefreshToken(Secret::new(refresh_token)))
    }

    /// Exchanges a webapp's authorization code (`grant_type: authorization_code`, `code`,
    /// `redirect_uri`, with the [`client_id`](ClientBuilder::client_id) and
    /// [`client_secret`](ClientBuilder::client_secret)); with a
    /// [`code_verifier`](ClientBuilder::code_verifier), PKCE. The code is good once: the
    /// session then lives on its refresh token.
    pub fn authorization_code(
        self,
        code: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        self.grant(PendingGrant::AuthorizationCode {
            code: Secret::new(code),
            redirect_uri: redirect_uri.into(),
        })
    }

    /// The PKCE code verifier sent as `code_verifier` with the
    /// [`authorization_code`](ClientBuilder::authorization_code): the one whose
    /// [challenge](crate::auth::pkce_challenge) went to the authorize endpoint (43 to 128
    /// characters of `A-Z`, `a-z`, `0-9`, `-`, `.`, `_` and `~`).
    pub fn code_verifier(mut self, verifier: impl Into<String>) -> Self {
        self.code_verifier = Some(Secret::new(verifier));
        self
    }

    /// Obtains tokens on behalf of a customer or user with the JWT bearer flow (`grant_type:
    /// urn:ietf:params:oauth:grant-type:jwt-bearer`, `assertion`, with the
    /// [`client_id`](ClientBuilder::client_id), and the
    /// [`client_secret`](ClientBuilder::client_secret) and [`scope`](ClientBuilder::scope)
    /// when set).
    pub fn jwt_bearer(self, assertion: impl Into<String>) -> Self {
        self.grant(PendingGrant::JwtBearer(Secret::new(assertion)))
    }

    /// Takes tokens from `source` (a vault, another service, a [`Grant`] built yourself):
    /// cached, replaced before they expire and when the API refuses them, like a grant's.
    /// It replaces the access token, client id and grants.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token_source = Some(Box::new(source));
        self
    }

    /// Keeps the session's tokens in `store`: the token saved is used at start while it is
    /// valid (or renewed with its refresh token), and each new one is saved. For a grant, a
    /// token source or a [`refresh_with`](ClientBuilder::refresh_with) callback.
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.token_store = Some(Box::new(store));
        self
    }

    /// A `reqwest` client builder to build the HTTP client from (for a proxy, root
    /// certificates, connection pool settings...), instead of a default one.
    ///
    /// Whatever it says about redirects, the client built from it follows none (the API does
    /// not redirect, and a redirect would send a body, a token or a client secret elsewhere);
    /// the [`timeout`](ClientBuilder::timeout) and
    /// [`user_agent`](ClientBuilder::user_agent) of this builder apply to every request.
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
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

    /// The largest response body the client reads, from the API or the token endpoint, in
    /// bytes; [`DEFAULT_MAX_RESPONSE_SIZE`] (16 MiB) unless set.
    ///
    /// A body is read as it arrives, and reading stops as soon as it would pass this size
    /// (or at once when the answer announces a larger `Content-Length`): the call fails with
    /// [`Error::ResponseTooLarge`] (or [`Error::Auth`] for a token request) naming the limit,
    /// and the memory the answer took stays below it.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// How many times a request is sent again after a failure worth retrying;
    /// [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES) (3) unless set, 0 to never retry.
    ///
    /// A `429` is retried whatever the method (the API did not act on the request). A
    /// `500`, `502`, `503` or `504`, a timeout or a connection lost mid-answer is retried only
    /// for `GET`, `HEAD`, `OPTIONS` and `DELETE`: a `POST` or `PATCH` whose fate is unknown is
    /// never sent twice, so a create is never performed twice; it fails with the error. A
    /// failure to connect is retried whatever the method: nothing was sent. A redirect is
    /// never retried (nor followed).
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

    /// The longest wait a `Retry-After` header obtains (a longer one, however long, is cut
    /// to it); [`DEFAULT_MAX_RETRY_AFTER`](crate::DEFAULT_MAX_RETRY_AFTER) (60 s) unless set.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// How requests are paced to stay within the API's rate limits;
    /// [`Pacing::documented`] unless set, [`Pacing::off`] for none.
    ///
    /// With pacing, every clone of the client shares one limiter that lets each request go
    /// when the sliding windows of its class (the average, over the class, and the burst,
    /// for its endpoint) have room by the documented limits of the client's mode and by what
    /// the `X-Ratelimit-*` headers report; a `429` holds the window for its length. See
    /// [`pacing`](crate::pacing).
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// Builds the client; fails on a missing or invalid base URL, organization, domain,
    /// token, client credentials or grant, and on authentication settings that contradict or
    /// go with nothing (an access token and a grant, two grants, a client secret without a
    /// client id...). No message repeats a URL's credentials or query, nor a secret.
    pub fn build(self) -> Result<Client> {
        let domain = match &self.domain {
            Some(domain) => {
                check_domain(domain)?;
                domain.clone()
            }
            None => DEFAULT_DOMAIN.to_string(),
        };
        let base_url = match (&self.base_url, &self.organization) {
            (Some(url), _) => {
                let parsed = check_url(url, "base URL")?;
                let url = url.trim_end_matches('/');
                if parsed.path().trim_matches('/').is_empty() {
                    format!("{url}/api")
                } else {
                    url.to_string()
                }
            }
            (None, Some(slug)) => {
                check_slug(slug, "the organization slug")?;
                format!("https://{slug}.{domain}/api")
            }
            (None, None) => match &self.access_token {
                Some(token) => format!("https://{}.{domain}/api", slug_of(token.expose())?),
                None => {
                    return Err(config("set an organization slug or a base URL"));
                }
            },
        };
        let parsed = check_url(&base_url, "base URL")?;
        let base_path = parsed.path().trim_end_matches('/').to_string();
        let host = match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => return Err(config("the base URL has no host")),
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
        self.pacing.check().map_err(config)?;
        let max_response_size = self.max_response_size.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE);
        if max_response_size == 0 {
            return Err(config("the maximum response size must be above zero"));
        }
        let client = Http::build_client(self.http.unwrap_or_default())
            .map_err(|e| config(format!("cannot build the HTTP client: {e}")))?;
        let http = Http::new(client, user_agent, timeout, max_response_size);
        let settings = AuthSettings {
            access_token: self.access_token,
            refresh_with: self.refresh_with,
            client_id: self.client_id,
            client_secret: self.client_secret,
            scope: self.scope,
            auth_url: self.auth_url,
            revoke_url: self.revoke_url,
            grants: self.grants,
            code_verifier: self.code_verifier,
            token_source: self.token_source,
            token_store: self.token_store,
        };
        let auth = settings.into_auth(&domain, &http)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                host,
                auth,
                retry: self.retry,
                rate_limit: Mutex::new(None),
                pacer: Pacer::new(self.pacing),
            }),
        })
    }
}

/// The authentication settings of a builder, checked and turned into an [`Auth`].
struct AuthSettings {
    access_token: Option<Secret>,
    refresh_with: Option<RefreshCallback>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    scope: Option<String>,
    auth_url: Option<String>,
    revoke_url: Option<String>,
    grants: Vec<PendingGrant>,
    code_verifier: Option<Secret>,
    token_source: Option<Box<dyn TokenSource>>,
    token_store: Option<Box<dyn TokenStore>>,
}

impl AuthSettings {
    fn into_auth(mut self, domain: &str, http: &Http) -> Result<Auth> {
        let grant_settings = self.client_secret.is_some()
            || self.scope.is_some()
            || self.auth_url.is_some()
            || self.revoke_url.is_some();
        if self.token_source.is_some()
            && (self.access_token.is_some()
                || self.refresh_with.is_some()
                || self.client_id.is_some()
                || !self.grants.is_empty()
                || self.code_verifier.is_some()
                || grant_settings)
        {
            return Err(config(
                "a token source replaces the access token, client id and grants: set only it",
            ));
        }
        if self.grants.len() > 1 {
            let names: Vec<&str> = self.grants.iter().map(PendingGrant::name).collect();
            return Err(config(format!(
                "set one grant, not several ({})",
                names.join(", ")
            )));
        }
        if self.refresh_with.is_some() && self.access_token.is_none() {
            return Err(config(
                "a refresh callback replaces an access token: set the access token",
            ));
        }
        let grant = self.grants.pop();
        if self.code_verifier.is_some()
            && !matches!(grant, Some(PendingGrant::AuthorizationCode { .. }))
        {
            return Err(config(
                "a code verifier goes with an authorization code, and none is set",
            ));
        }
        if let Some(source) = self.token_source {
            let session = Session::new(
                source,
                self.token_store,
                "a token source".to_string(),
                http.clone(),
            );
            return Ok(Auth::Session(Box::new(session)));
        }
        match (self.access_token, self.client_id) {
            (Some(_), Some(_)) => Err(config(
                "set either an access token or client credentials, not both",
            )),
            (Some(_), None) if grant.is_some() => {
                Err(config("set either an access token or a grant, not both"))
            }
            (Some(token), None) => {
                if grant_settings {
                    return Err(config(
                        "a client secret, scope, auth URL or revoke URL needs a client id, not \
                         an access token",
                    ));
                }
                let mut header = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        config("the access token contains characters a header cannot carry")
                    })?;
                header.set_sensitive(true);
                let token = Token::new(token.into_inner());
                match self.refresh_with {
                    Some(callback) => {
                        let session = Session::new(
                            Box::new(Refreshed::new(token, callback)),
                            self.token_store,
                            "an access token replaced by a callback".to_string(),
                            http.clone(),
                        );
                        Ok(Auth::Session(Box::new(session)))
                    }
                    None if self.token_store.is_some() => Err(config(
                        "a token store keeps a session's tokens: an access token given alone \
                         is never replaced (use a grant, a token source or a refresh callback)",
                    )),
                    None => Ok(Auth::Token(token, header)),
                }
            }
            (None, Some(client_id)) => {
                if client_id.is_empty() {
                    return Err(config("the client id is empty"));
                }
                let auth_url = self
                    .auth_url
                    .unwrap_or_else(|| format!("https://auth.{domain}/oauth/token"));
                let mut grant = match grant {
                    Some(grant) => grant.into_grant(client_id),
                    None => Grant::client_credentials(client_id),
                }
                .auth_url(auth_url);
                if let Some(secret) = self.client_secret {
                    grant = grant.client_secret(secret.into_inner());
                }
                if let Some(scope) = self.scope {
                    grant = grant.scope(scope);
                }
                if let Some(url) = self.revoke_url {
                    grant = grant.revoke_url(url);
                }
                if let Some(verifier) = self.code_verifier {
                    grant = grant.code_verifier(verifier.into_inner());
                }
                grant.check()?;
                let description = format!("{grant:?}");
                let session =
                    Session::new(Box::new(grant), self.token_store, description, http.clone());
                Ok(Auth::Session(Box::new(session)))
            }
            (None, None) => match grant {
                Some(grant) => Err(config(format!(
                    "the {} grant needs a client id",
                    grant.name()
                ))),
                None => Err(config(
                    "set an access token, client credentials (a client id), a grant or a token \
                     source",
                )),
            },
        }
    }
}

/// Checks an organization slug: 1 to 63 lowercase letters, digits and dashes.
fn check_slug(slug: &str, what: &str) -> Result<()> {
    let valid = !slug.is_empty()
        && slug.len() <= 63
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(config(format!(
            "{what} must be 1 to 63 lowercase letters, digits and dashes (such as `acme`)"
        )))
    }
}

/// Checks a domain: dot-separated labels of lowercase letters, digits and dashes.
fn check_domain(domain: &str) -> Result<()> {
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if valid {
        Ok(())
    } else {
        Err(config(
            "the domain must be dot-separated lowercase letters, digits and dashes (such as \
             `commercelayer.io`)",
        ))
    }
}

/// The organization slug an access token's claims name (expired or not), checked.
fn slug_of(token: &str) -> Result<String> {
    let claims = Claims::decode_ignoring_expiry(token).map_err(|error| {
        let reason = match &error {
            Error::Auth { message, .. } => message.clone(),
            other => other.to_string(),
        };
        config(format!(
            "set an organization slug or a base URL: the access token does not name its \
             organization ({reason})"
        ))
    })?;
    let slug = claims.organization_slug().ok_or_else(|| {
        config(format!(
            "set an organization slug or a base URL: the access token (of a {} application) \
             names no organization",
            crate::redact::Redactor::default().line(claims.application_kind())
        ))
    })?;
    check_slug(slug, "the organization slug in the access token")?;
    Ok(slug.to_string())
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

/// Checks a base or auth URL: http or https, with a host, no query or fragment, and no
/// credentials. No message repeats the URL, which may hold secrets in any of those parts.
pub(crate) fn check_url(url: &str, what: &str) -> Result<reqwest::Url> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| config(format!("the {what} is not a URL: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(config(format!(
            "the {what} cannot carry credentials: set them on the builder"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(config(format!(
            "the {what} cannot have a query or a fragment"
        )));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(config(format!("the {what} must be an http or https URL")));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(config(format!("the {what} has no host")));
    }
    Ok(parsed)
}

/// A URL as a `Debug` shows it: without credentials, query or fragment.
fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let hidden = !parsed.username().is_empty()
                || parsed.password().is_some()
                || parsed.query().is_some()
                || parsed.fragment().is_some();
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            if hidden {
                format!("{parsed} (credentials, query or fragment hidden)")
            } else {
                parsed.to_string()
            }
        }
        Err(_) => "<not a URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An unconfigured client gets the documented timeout and retry defaults.
    #[test]
    fn defaults_are_the_documented_ones() {
        let client = Client::new("https://acme.commercelayer.io/api", "t").expect("a client");
        assert_eq!(client.inner.http.timeout(), Duration::from_secs(15));
        assert_eq!(
            client.inner.http.max_response_size(),
            DEFAULT_MAX_RESPONSE_SIZE
        );
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

    // A base URL without a path gets /api; any other path is kept as given.
    #[test]
    fn a_base_url_without_a_path_gets_api() {
        for (given, base, path) in [
            (
                "https://acme.commercelayer.io",
                "https://acme.commercelayer.io/api",
                "/api",
            ),
            (
                "https://acme.commercelayer.io/",
                "https://acme.commercelayer.io/api",
                "/api",
            ),
            (
                "http://127.0.0.1:8080//",
                "http://127.0.0.1:8080/api",
                "/api",
            ),
            (
                "https://acme.commercelayer.io/api",
                "https://acme.commercelayer.io/api",
                "/api",
            ),
            (
                "https://acme.commercelayer.io/api/",
                "https://acme.commercelayer.io/api",
                "/api",
            ),
            (
                "https://proxy.example.com/cl/v2",
                "https://proxy.example.com/cl/v2",
                "/cl/v2",
            ),
        ] {
            let client = Client::new(given, "t").expect("a client");
            assert_eq!(client.base_url(), base, "{given}");
            assert_eq!(client.inner.base_path, path, "{given}");
        }
        let client = Client::builder()
            .organization("acme")
            .access_token("t")
            .build()
            .unwrap();
        assert_eq!(client.inner.host, "acme.commercelayer.io");
        let client = Client::new("http://127.0.0.1:8080", "t").unwrap();
        assert_eq!(client.inner.host, "127.0.0.1:8080");
    }

    // No configuration error (nor the builder's Debug) repeats a URL's query or credentials.
    #[test]
    fn configuration_errors_do_not_repeat_url_secrets() {
        let secret_urls = [
            "https://acme.commercelayer.io/api?token=SECRET1",
            "https://acme.commercelayer.io/api#SECRET1",
            "https://user:SECRET1@acme.commercelayer.io/api",
            "ftp://acme.commercelayer.io/api?token=SECRET1",
            "ftp://user:SECRET1@acme.commercelayer.io/",
            "https://acme.commercelayer.io:99999/?SECRET1",
            "not a url SECRET1",
        ];
        for url in secret_urls {
            let base = Client::builder().base_url(url).access_token("t");
            let debug = format!("{base:?}");
            assert!(!debug.contains("SECRET1"), "{debug}");
            let error = base.build().expect_err(url);
            let auth = Client::builder()
                .organization("acme")
                .client_id("id")
                .auth_url(url);
            let debug = format!("{auth:?}");
            assert!(!debug.contains("SECRET1"), "{debug}");
            let auth_error = auth.build().expect_err(url);
            for error in [error, auth_error] {
                assert!(matches!(error, Error::Config { .. }), "{error:?}");
                for text in [error.to_string(), format!("{error:?}")] {
                    assert!(!text.contains("SECRET1"), "{url}: {text}");
                }
            }
        }
        let error = Client::builder()
            .organization("https://user:SECRET1@x")
            .access_token("t")
            .build()
            .expect_err("not a slug");
        assert!(!error.to_string().contains("SECRET1"), "{error}");
        assert!(matches!(
            Client::builder()
                .organization("acme")
                .access_token("t")
                .max_response_size(0)
                .build(),
            Err(Error::Config { .. })
        ));
    }
}
