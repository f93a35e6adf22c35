//! The client: where requests are built, authenticated, sent and their answers classified.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};

use crate::error::{Error, Result, from_failure};
use crate::query::Query;

/// The JSON:API media type: every request accepts it and every write is sent as it.
pub const JSON_API: &str = "application/vnd.api+json";

/// The `User-Agent` sent with every request: this crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));

/// A Commerce Layer API client for one organization.
///
/// Cheap to clone: clones share one connection pool. Built with [`Client::builder`]:
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
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("access_token", &"<redacted>")
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

    /// Sends a request and returns the body of a successful answer; failures become
    /// [`Error::Api`] or [`Error::UnexpectedResponse`], and nothing is sent when the query
    /// is invalid.
    pub(crate) async fn send(&self, request: Request) -> Result<Response> {
        let query = request.query.encode()?;
        let mut url = format!("{}/{}", self.inner.base_url, request.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let mut builder = self
            .inner
            .http
            .request(request.method, url)
            .header(ACCEPT, JSON_API)
            .header(USER_AGENT, self.inner.user_agent.clone())
            .header(AUTHORIZATION, self.inner.authorization.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(timeout) = request.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(body) = request.body {
            builder = builder.header(CONTENT_TYPE, JSON_API).body(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|source| Error::Transport { source })?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .bytes()
            .await
            .map_err(|source| Error::Transport { source })?;
        if status.is_success() {
            Ok(Response { status, body })
        } else {
            Err(from_failure(status, content_type, &body))
        }
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
#[derive(Default)]
pub struct ClientBuilder {
    organization: Option<String>,
    base_url: Option<String>,
    access_token: Option<String>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("organization", &self.organization)
            .field("base_url", &self.base_url)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
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

    /// The access token sent as `Authorization: Bearer {token}`.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
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

    /// Builds the client; fails on a missing or invalid base URL, organization or token.
    pub fn build(self) -> Result<Client> {
        let base_url = match (self.base_url, self.organization) {
            (Some(url), _) => check_base_url(&url)?,
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
        let token = self
            .access_token
            .ok_or_else(|| config("set an access token"))?;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| config("the access token contains characters a header cannot carry"))?;
        authorization.set_sensitive(true);
        let user_agent = match self.user_agent {
            Some(agent) => HeaderValue::from_str(&agent)
                .map_err(|_| config("the user agent contains characters a header cannot carry"))?,
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
        };
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
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization,
                user_agent,
            }),
        })
    }
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

fn check_base_url(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| config(format!("{url:?} is not a valid base URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(config(format!("{url:?} is not an http or https URL")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(config(format!(
            "{url:?}: a base URL cannot have a query or a fragment"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}
