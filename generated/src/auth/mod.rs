//! Authentication: where a client's access tokens come from, how they are kept fresh, what
//! they say, and how they are revoked.
//!
//! Commerce Layer has three kinds of API credentials (integration, sales channel, webapp) and
//! five OAuth2 grants, each a [`Grant`]:
//!
//! | grant | [`ClientBuilder`](crate::ClientBuilder) | for |
//! | --- | --- | --- |
//! | client credentials | `.client_id(id)` (+ `.client_secret(..)` for integrations) | integrations, guest sales channels |
//! | password | `.password(username, password)` | sales channels logging a customer in |
//! | refresh token | `.refresh_token(token)` | a session kept from an earlier login |
//! | authorization code | `.authorization_code(code, redirect_uri)` (+ `.code_verifier(..)`) | webapps |
//! | JWT bearer | `.jwt_bearer(assertion)` | tokens on behalf of a customer or user |
//!
//! Each is combined with `.client_id(..)` and, where the credentials have them, `.client_secret(..)`,
//! `.scope(..)` and `.auth_url(..)`.
//!
//! # Sessions
//!
//! A client authenticated by a grant, by a [`TokenSource`] of your own, or by an access token
//! with a refresh callback ([`ClientBuilder::refresh_with`](crate::ClientBuilder::refresh_with))
//! keeps a session: its token is cached (shared by every clone of the client) and replaced
//! when less than a tenth of its lifetime, and at most 60 seconds, is left, and once more when
//! the API answers `401` to it. One token request serves every caller waiting for it: the
//! cache is behind an async mutex held while the token is obtained, so concurrent callers
//! queue behind the one asking and then reuse its token (or its failure, rather than each
//! trying again), whatever lifetime it was given. A lifetime of zero or less says nothing
//! usable: such a token is used until the API refuses it, as one given without a lifetime.
//!
//! A grant whose answer carries a refresh token (password, authorization code, refresh token,
//! JWT bearer) renews the session with it (`grant_type: refresh_token`, with the same client
//! id, secret and scope) rather than logging in again; the endpoint may rotate it, and
//! [`Client::refresh_token`](crate::Client::refresh_token) gives the newest. When a refresh
//! token is refused, the password, JWT bearer and client credentials grants start over with
//! what they were given; the others fail (an authorization code is used once).
//!
//! A [`TokenStore`] persists each new token and gives it back when a client starts, so that a
//! command-line tool or a serverless function does not log in on every start.
//!
//! # Safety
//!
//! The token endpoint is reached through the same HTTP client as the API: it follows no
//! redirect (a `307` cannot take a password or client secret elsewhere) and reads at most the
//! configured size. What its refusals hold is scrubbed of every secret the grant sent (client
//! secret, password, authorization code, code verifier, assertion, refresh and access tokens),
//! in any encoding, and no `Debug` shows one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use reqwest::header::HeaderValue;

use crate::error::Error;
use crate::transport::Http;

mod claims;
mod grant;
mod session;
mod token;

pub use claims::Claims;
pub use grant::{Grant, pkce_challenge};
pub use token::Token;

pub(crate) use session::{RefreshCallback, Refreshed, Session};

/// Where grants are exchanged for access tokens unless
/// [`ClientBuilder::auth_url`](crate::ClientBuilder::auth_url) (or
/// [`ClientBuilder::domain`](crate::ClientBuilder::domain)) says otherwise.
pub const DEFAULT_AUTH_URL: &str = "https://auth.commercelayer.io/oauth/token";

/// The domain of Commerce Layer's API and auth endpoints unless
/// [`ClientBuilder::domain`](crate::ClientBuilder::domain) says otherwise.
pub const DEFAULT_DOMAIN: &str = "commercelayer.io";

/// A boxed future, as [`TokenSource`] and [`TokenStore`] methods return them (write
/// `Box::pin(async move { ... })`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a client's access tokens come from.
///
/// The built-in [`Grant`]s implement it; implement it yourself to take tokens from a vault,
/// another service or a browser session, and give it to
/// [`ClientBuilder::token_source`](crate::ClientBuilder::token_source). The client calls
/// [`token`](TokenSource::token) when it has no usable token: first, shortly before the
/// current one expires, and when the API refuses it (`401`), one call at a time, and caches
/// what it returns for every clone of the client.
///
/// ```
/// use commercelayer::auth::{BoxFuture, Token, TokenRequest, TokenSource};
///
/// struct Vault;
///
/// impl TokenSource for Vault {
///     fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, commercelayer::Result<Token>> {
///         Box::pin(async move {
///             // Ask the vault; `request.previous()` is the token being replaced, if any.
///             let _ = request.reason();
///             Ok(Token::new("a-token-from-the-vault"))
///         })
///     }
/// }
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// A new access token. A token without an expiry
    /// ([`Token::with_expires_at`]) whose JWT has an `exp` claim expires then; one with
    /// neither is used until the API refuses it.
    ///
    /// Fail with [`auth::failure`](failure) (or any [`Error`]): every call waiting for the
    /// token gets it.
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<Token, Error>>;

    /// Revokes `request.token()` (for [`Client::revoke`](crate::Client::revoke)); unless
    /// implemented, an error saying this source cannot.
    fn revoke<'a>(&'a self, request: RevokeRequest<'a>) -> BoxFuture<'a, Result<(), Error>> {
        let _ = request;
        Box::pin(async { Err(failure("this token source cannot revoke tokens")) })
    }

    /// The secrets this source sends that a server could echo (a password, a client
    /// secret...): they are removed from every error, in any encoding. The tokens it gives
    /// need not be listed: the client removes those itself.
    fn secrets(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// Why a [`TokenSource`] is asked for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The client has no token yet (or revoked the last one).
    Initial,
    /// The current token expires soon, or has expired.
    Expiring,
    /// The API refused the current token (`401`).
    Refused,
}

/// What a [`TokenSource`] is asked: why, and which token is replaced.
#[derive(Clone, Copy)]
pub struct TokenRequest<'a> {
    previous: Option<&'a Token>,
    reason: Reason,
    http: &'a Http,
}

impl<'a> TokenRequest<'a> {
    pub(crate) fn new(previous: Option<&'a Token>, reason: Reason, http: &'a Http) -> Self {
        Self {
            previous,
            reason,
            http,
        }
    }

    /// The newest token the source gave (or the store restored), which is being replaced:
    /// its refresh token, if any, renews the session.
    pub fn previous(&self) -> Option<&'a Token> {
        self.previous
    }

    /// Why a token is needed.
    pub fn reason(&self) -> Reason {
        self.reason
    }

    pub(crate) fn http(&self) -> &'a Http {
        self.http
    }
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("previous", &self.previous)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

/// What a [`TokenSource`] is asked to revoke.
#[derive(Clone, Copy)]
pub struct RevokeRequest<'a> {
    token: &'a Token,
    http: &'a Http,
}

impl<'a> RevokeRequest<'a> {
    pub(crate) fn new(token: &'a Token, http: &'a Http) -> Self {
        Self { token, http }
    }

    /// The token to revoke: the newest the source gave.
    pub fn token(&self) -> &'a Token {
        self.token
    }

    pub(crate) fn http(&self) -> &'a Http {
        self.http
    }
}

impl fmt::Debug for RevokeRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevokeRequest")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// Keeps a client's tokens between runs.
///
/// [`save`](TokenStore::save) is called with each new token (a rotated refresh token
/// included), [`load`](TokenStore::load) once, before the client first needs a token (a
/// token still valid is used without asking the source; an expired one with a refresh token
/// renews the session), and [`clear`](TokenStore::clear) after
/// [`Client::revoke`](crate::Client::revoke). [`Token`] serializes with serde. The store
/// holds secrets: keep it where only its owner can read it.
pub trait TokenStore: Send + Sync + 'static {
    /// The token saved earlier, if any.
    fn load(&self) -> BoxFuture<'_, Option<Token>>;

    /// Saves `token`, replacing the one saved before.
    fn save<'a>(&'a self, token: &'a Token) -> BoxFuture<'a, ()>;

    /// Forgets the token saved; nothing unless implemented.
    fn clear(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// An [`Error::Auth`] for a [`TokenSource`]'s own failure, saying `cause` (which should hold
/// no secret): its `Display` is `authentication failed: the token source failed: {cause}`.
pub fn failure(cause: impl fmt::Display) -> Error {
    // One line, cleaned of control characters and escapes, and bounded.
    let cause = crate::redact::Redactor::default().line(&cause.to_string());
    auth_error(format!("the token source failed: {cause}"))
}

/// An [`Error::Auth`] with only a message.
pub(crate) fn auth_error(message: impl Into<String>) -> Error {
    Error::Auth {
        request: None,
        status: None,
        message: message.into(),
        location: None,
        body: None,
    }
}

/// A copy of an error, to give every caller that waited on the same token request: an
/// [`Error::Auth`] as it is, anything else as an [`Error::Auth`] saying it.
pub(crate) fn share(error: &Error) -> Error {
    match error {
        Error::Auth {
            request,
            status,
            message,
            location,
            body,
        } => Error::Auth {
            request: request.clone(),
            status: *status,
            message: message.clone(),
            location: location.clone(),
            body: body.clone(),
        },
        Error::Config { message } => Error::Config {
            message: message.clone(),
        },
        other => auth_error(other.to_string()),
    }
}

/// How a client authenticates its requests.
pub(crate) enum Auth {
    /// One access token, given by the caller, sent as it is: never refreshed.
    Token(Token, HeaderValue),
    /// A session: tokens from a source, cached and replaced as needed.
    Session(Box<Session>),
}

/// The `Authorization` header for one attempt, and which token it carries.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) header: HeaderValue,
    /// The token's generation, when it came from a session.
    pub(crate) generation: Option<u64>,
}

impl Auth {
    /// The `Authorization` header to send now, obtaining a token first when there is none
    /// that is fresh.
    pub(crate) async fn bearer(&self) -> Result<Bearer, Error> {
        match self {
            Auth::Token(_, header) => Ok(Bearer {
                header: header.clone(),
                generation: None,
            }),
            Auth::Session(session) => session.bearer().await,
        }
    }

    /// The secrets a server could echo besides the bearer tokens sent: the source's (client
    /// secret, password...) and every refresh token the session got.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match self {
            Auth::Token(..) => Vec::new(),
            Auth::Session(session) => session.secrets(),
        }
    }

    /// Forgets the token `bearer` carried, which the API refused, so that the next request
    /// obtains another; false when the token cannot be replaced (it was given by the caller).
    pub(crate) async fn invalidate(&self, bearer: &Bearer) -> bool {
        match (self, bearer.generation) {
            (Auth::Session(session), Some(generation)) => {
                session.invalidate(generation).await;
                true
            }
            _ => false,
        }
    }

    /// The token requests use now (the newest a session got), if any.
    pub(crate) fn token(&self) -> Option<Token> {
        match self {
            Auth::Token(token, _) => Some(token.clone()),
            Auth::Session(session) => session.latest(),
        }
    }

    /// Revokes the current token.
    pub(crate) async fn revoke(&self) -> Result<(), Error> {
        match self {
            Auth::Token(..) => Err(auth_error(
                "cannot revoke an access token given as it is: revoking needs the \
                 application's client id (authenticate with a grant)",
            )),
            Auth::Session(session) => session.revoke().await,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(..) => f
                .debug_struct("AccessToken")
                .field("token", &"<redacted>")
                .finish(),
            Auth::Session(session) => fmt::Debug::fmt(session, f),
        }
    }
}
