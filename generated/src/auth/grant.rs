//! The OAuth2 grants Commerce Layer's auth endpoint takes, as [`TokenSource`]s: what each
//! sends (JSON, as the vendor's documentation and `@commercelayer/js-auth` send it), how the
//! answers and refusals are read, and how a token is revoked.
//!
//! Every exchange goes through the client's [`Http`]: no redirect is followed (a `307` cannot
//! take a password or a client secret elsewhere) and at most the configured size is read.
//! What a refusal holds is scrubbed of every secret the grant sent, by a [`Redactor`].

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use super::{BoxFuture, DEFAULT_AUTH_URL, RevokeRequest, Token, TokenRequest, TokenSource};
use crate::client::check_url;
use crate::error::Error;
use crate::error::{ErrorDocument, chain};
use crate::jsonapi::Secret;
use crate::redact::Redactor;
use crate::trace;
use crate::transport::{Http, Unread, describe_size, location};

/// The `grant_type` of the JWT bearer flow (RFC 7523).
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The longest access or refresh token accepted from the token endpoint: 64 KiB, far above
/// Commerce Layer's (a few KiB), so that a hostile endpoint cannot make every later error
/// scrub a megabyte-long secret.
const MAX_TOKEN_LENGTH: usize = 64 * 1024;

/// An OAuth2 grant: what the client exchanges at the token endpoint for access tokens.
///
/// [`ClientBuilder`](crate::ClientBuilder)'s `.client_id(..)`, `.password(..)`,
/// `.refresh_token(..)`, `.authorization_code(..)` and `.jwt_bearer(..)` build one; build it
/// yourself to wrap it in a [`TokenSource`] of your own, or to give it to
/// [`ClientBuilder::token_source`](crate::ClientBuilder::token_source).
///
/// Every grant sends, as JSON to the token endpoint ([`DEFAULT_AUTH_URL`] unless
/// [`auth_url`](Grant::auth_url) says otherwise), its `grant_type`, what it was given, and
/// `client_id`, with `client_secret` and `scope` when set. An answer with a `refresh_token`
/// is renewed with it (see the [module documentation](super)).
pub struct Grant {
    kind: Kind,
    client_id: String,
    client_secret: Option<Secret>,
    scope: Option<String>,
    auth_url: String,
    revoke_url: Option<String>,
    code_verifier: Option<Secret>,
    /// Whether the authorization code was exchanged (it is good once).
    code_used: AtomicBool,
}

enum Kind {
    ClientCredentials,
    Password { username: String, password: Secret },
    RefreshToken { token: Secret },
    AuthorizationCode { code: Secret, redirect_uri: String },
    JwtBearer { assertion: Secret },
}

impl Kind {
    /// The grant's name, as errors give it.
    fn name(&self) -> &'static str {
        match self {
            Kind::ClientCredentials => "client credentials",
            Kind::Password { .. } => "password",
            Kind::RefreshToken { .. } => "refresh token",
            Kind::AuthorizationCode { .. } => "authorization code",
            Kind::JwtBearer { .. } => "JWT bearer",
        }
    }

    /// Whether the grant can log in again once a refresh token it got is refused.
    fn can_start_over(&self) -> bool {
        matches!(
            self,
            Kind::ClientCredentials | Kind::Password { .. } | Kind::JwtBearer { .. }
        )
    }
}

/// The body of a token request: `grant_type`, the grant's own members, and the client's.
#[derive(Serialize)]
struct TokenBody<'a> {
    grant_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_verifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assertion: Option<&'a str>,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
}

/// The body of a revoke request.
#[derive(Serialize)]
struct RevokeBody<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    token: &'a str,
}

impl Grant {
    fn new(kind: Kind, client_id: impl Into<String>) -> Self {
        Self {
            kind,
            client_id: client_id.into(),
            client_secret: None,
            scope: None,
            auth_url: DEFAULT_AUTH_URL.to_string(),
            revoke_url: None,
            code_verifier: None,
            code_used: AtomicBool::new(false),
        }
    }

    /// Client credentials (`grant_type: client_credentials`): a token for the application
    /// itself (an integration, with its [`client_secret`](Grant::client_secret)), or a guest
    /// token (a sales channel).
    pub fn client_credentials(client_id: impl Into<String>) -> Self {
        Self::new(Kind::ClientCredentials, client_id)
    }

    /// A customer's login (`grant_type: password`, with `username` and `password`), for sales
    /// channels: a token owned by the customer, with a refresh token.
    pub fn password(
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::new(
            Kind::Password {
                username: username.into(),
                password: Secret::new(password),
            },
            client_id,
        )
    }

    /// A refresh token kept from an earlier login (`grant_type: refresh_token`), renewing
    /// that session; the endpoint may rotate it, and the newest is used each time.
    pub fn refresh_token(client_id: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Self::new(
            Kind::RefreshToken {
                token: Secret::new(refresh_token),
            },
            client_id,
        )
    }

    /// An authorization code (`grant_type: authorization_code`, with `code` and
    /// `redirect_uri`), for webapps, exchanged once; the session then lives on its refresh
    /// token. With a [`code_verifier`](Grant::code_verifier), PKCE.
    pub fn authorization_code(
        client_id: impl Into<String>,
        code: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self::new(
            Kind::AuthorizationCode {
                code: Secret::new(code),
                redirect_uri: redirect_uri.into(),
            },
            client_id,
        )
    }

    /// The JWT bearer flow (`grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer`, with
    /// `assertion`): a token on behalf of the customer or user the assertion names (at most
    /// 4 KiB, as the vendor documents).
    pub fn jwt_bearer(client_id: impl Into<String>, assertion: impl Into<String>) -> Self {
        Self::new(
            Kind::JwtBearer {
                assertion: Secret::new(assertion),
            },
            client_id,
        )
    }

    /// The client secret (integrations and webapps; sales channels have none).
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(client_secret));
        self
    }

    /// The scope asked for, such as `market:code:europe` (sent with refreshes too, as the
    /// endpoint requires).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The token endpoint; [`DEFAULT_AUTH_URL`] unless set.
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = url.into();
        self
    }

    /// The revoke endpoint; unless set, the [`auth_url`](Grant::auth_url) with its last
    /// segment, `token`, replaced by `revoke` (`https://auth.commercelayer.io/oauth/revoke`).
    pub fn revoke_url(mut self, url: impl Into<String>) -> Self {
        self.revoke_url = Some(url.into());
        self
    }

    /// The PKCE code verifier whose [challenge](pkce_challenge) was sent to the authorize
    /// endpoint, sent as `code_verifier` with an authorization code: 43 to 128 characters of
    /// `A-Z`, `a-z`, `0-9`, `-`, `.`, `_` and `~` (RFC 7636).
    pub fn code_verifier(mut self, verifier: impl Into<String>) -> Self {
        self.code_verifier = Some(Secret::new(verifier));
        self
    }

    /// The grant's name, as errors give it (`password`, `JWT bearer`...).
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// Checks the settings, so that a client is not built with a grant that cannot work.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let config = |message: String| Error::Config { message };
        let name = self.name();
        if self.client_id.is_empty() {
            return Err(config(format!("the {name} grant's client id is empty")));
        }
        let empty = match &self.kind {
            Kind::ClientCredentials => None,
            Kind::Password { username, password } => {
                if username.is_empty() {
                    Some("username")
                } else if password.expose().is_empty() {
                    Some("password")
                } else {
                    None
                }
            }
            Kind::RefreshToken { token } => token.expose().is_empty().then_some("refresh token"),
            Kind::AuthorizationCode { code, redirect_uri } => {
                if code.expose().is_empty() {
                    Some("authorization code")
                } else if redirect_uri.is_empty() {
                    Some("redirect URI")
                } else {
                    None
                }
            }
            Kind::JwtBearer { assertion } => assertion.expose().is_empty().then_some("assertion"),
        };
        if let Some(what) = empty {
            return Err(config(format!("the {name} grant's {what} is empty")));
        }
        if let Some(verifier) = &self.code_verifier {
            if !matches!(self.kind, Kind::AuthorizationCode { .. }) {
                return Err(config(format!(
                    "a code verifier goes with an authorization code, not the {name} grant"
                )));
            }
            let verifier = verifier.expose();
            let valid = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            if !valid {
                return Err(config(
                    "the code verifier must be 43 to 128 characters of A-Z, a-z, 0-9, `-`, `.`, \
                     `_` and `~` (RFC 7636)"
                        .to_string(),
                ));
            }
        }
        check_url(&self.auth_url, "auth URL")?;
        if let Some(url) = &self.revoke_url {
            check_url(url, "revoke URL")?;
        }
        Ok(())
    }

    /// What errors must never show: every secret this grant sends.
    fn own_secrets(&self) -> Vec<&str> {
        let mut secrets: Vec<&str> = Vec::new();
        secrets.extend(self.client_secret.as_ref().map(Secret::expose));
        secrets.extend(self.code_verifier.as_ref().map(Secret::expose));
        match &self.kind {
            Kind::ClientCredentials => {}
            Kind::Password { password, .. } => secrets.push(password.expose()),
            Kind::RefreshToken { token } => secrets.push(token.expose()),
            Kind::AuthorizationCode { code, .. } => secrets.push(code.expose()),
            Kind::JwtBearer { assertion } => secrets.push(assertion.expose()),
        }
        secrets
    }

    /// A redactor of this grant's secrets and of `token`'s.
    fn redactor(&self, token: Option<&Token>) -> Redactor {
        let mut redactor = Redactor::new(self.own_secrets());
        if let Some(token) = token {
            redactor.add(token.access_token());
            redactor.add(token.refresh_token().unwrap_or_default());
        }
        redactor
    }

    /// The body of a token request with this grant's client members.
    fn body<'a>(&'a self, grant_type: &'static str) -> TokenBody<'a> {
        TokenBody {
            grant_type,
            username: None,
            password: None,
            refresh_token: None,
            code: None,
            redirect_uri: None,
            code_verifier: None,
            assertion: None,
            client_id: &self.client_id,
            client_secret: self.client_secret.as_ref().map(Secret::expose),
            scope: self.scope.as_deref(),
        }
    }

    /// The body of this grant's own request (not a refresh).
    fn grant_body(&self) -> TokenBody<'_> {
        match &self.kind {
            Kind::ClientCredentials => self.body("client_credentials"),
            Kind::Password { username, password } => TokenBody {
                username: Some(username),
                password: Some(password.expose()),
                ..self.body("password")
            },
            Kind::RefreshToken { token } => TokenBody {
                refresh_token: Some(token.expose()),
                ..self.body("refresh_token")
            },
            Kind::AuthorizationCode { code, redirect_uri } => TokenBody {
                code: Some(code.expose()),
                redirect_uri: Some(redirect_uri),
                code_verifier: self.code_verifier.as_ref().map(Secret::expose),
                ..self.body("authorization_code")
            },
            Kind::JwtBearer { assertion } => TokenBody {
                assertion: Some(assertion.expose()),
                ..self.body(JWT_BEARER)
            },
        }
    }

    /// Sends `body` to the token endpoint and reads the token it answers; errors start with
    /// `what` (`password grant`).
    async fn exchange(
        &self,
        http: &Http,
        body: &TokenBody<'_>,
        what: &str,
        redactor: &Redactor,
    ) -> Result<Token, Error> {
        let body = serde_json::to_vec(body).map_err(|_| {
            AuthFailure::new(None, "cannot encode the token request").into_error(what)
        })?;
        let span = trace::Span::token(&self.auth_url);
        let requested_at = Instant::now();
        let (status, answer) = span
            .run(post(http, &self.auth_url, body, "token endpoint", redactor))
            .await
            .map_err(|failure| failure.into_error(what))?;
        span.record_status(status);
        let parsed = parse_token(status, &answer).map_err(|failure| failure.into_error(what))?;
        Ok(Token::fetched(
            parsed.access_token,
            parsed.refresh_token,
            parsed.scope,
            requested_at,
            parsed.lifetime,
        ))
    }

    /// Where tokens are revoked: the revoke URL, else the auth URL ending in `revoke` rather
    /// than `token`.
    fn revoke_endpoint(&self) -> Result<String, Error> {
        if let Some(url) = &self.revoke_url {
            return Ok(url.clone());
        }
        let cannot = || Error::Config {
            message: "cannot derive the revoke URL from the auth URL, whose path does not \
                          end in `token`: set the revoke URL"
                .to_string(),
        };
        let mut url = reqwest::Url::parse(&self.auth_url).map_err(|_| cannot())?;
        let path = url.path().trim_end_matches('/').to_string();
        match path.rsplit_once('/') {
            Some((head, "token")) => url.set_path(&format!("{head}/revoke")),
            _ => return Err(cannot()),
        }
        Ok(url.to_string())
    }
}

impl TokenSource for Grant {
    /// Renews the session with the previous token's refresh token, if any; else (or when a
    /// grant that can start over has its refresh token refused) sends the grant itself.
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<Token, Error>> {
        Box::pin(async move {
            self.check()?;
            let previous = request.previous();
            let redactor = self.redactor(previous);
            let refresh = previous.and_then(Token::refresh_token);
            if let Some(refresh) = refresh {
                let body = TokenBody {
                    refresh_token: Some(refresh),
                    ..self.body("refresh_token")
                };
                let what = format!("{} grant, renewed with its refresh token", self.name());
                match self.exchange(request.http(), &body, &what, &redactor).await {
                    Ok(mut token) => {
                        // An endpoint that does not rotate refresh tokens may not repeat it.
                        if token.refresh_token().is_none() {
                            token.set_refresh_token(Some(refresh.to_string()));
                        }
                        return Ok(token);
                    }
                    Err(error) if self.kind.can_start_over() && refused(&error) => {}
                    Err(error) => return Err(error),
                }
            }
            let what = format!("{} grant", self.name());
            if matches!(self.kind, Kind::AuthorizationCode { .. })
                && self.code_used.load(Ordering::Acquire)
                && refresh.is_none()
            {
                return Err(AuthFailure::new(
                    None,
                    "the authorization code was exchanged already and the session has no \
                     refresh token: authorize again for a new code",
                )
                .into_error(&what));
            }
            let mut token = self
                .exchange(request.http(), &self.grant_body(), &what, &redactor)
                .await?;
            match &self.kind {
                Kind::AuthorizationCode { .. } => self.code_used.store(true, Ordering::Release),
                Kind::RefreshToken { token: given } if token.refresh_token().is_none() => {
                    token.set_refresh_token(Some(given.expose().to_string()));
                }
                _ => {}
            }
            Ok(token)
        })
    }

    /// Posts `client_id`, `client_secret` (when set) and the access token to the revoke
    /// endpoint.
    fn revoke<'a>(&'a self, request: RevokeRequest<'a>) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            self.check()?;
            let url = self.revoke_endpoint()?;
            let what = "cannot revoke the token";
            let token = request.token();
            let body = serde_json::to_vec(&RevokeBody {
                client_id: &self.client_id,
                client_secret: self.client_secret.as_ref().map(Secret::expose),
                token: token.access_token(),
            })
            .map_err(|_| AuthFailure::new(None, "cannot encode the request").into_error(what))?;
            let redactor = self.redactor(Some(token));
            post(request.http(), &url, body, "revoke endpoint", &redactor)
                .await
                .map_err(|failure| failure.into_error(what))?;
            Ok(())
        })
    }

    fn secrets(&self) -> Vec<&str> {
        self.own_secrets()
    }
}

/// Shows the grant, the client id, the scope and the URLs; never a secret (nor the
/// username, which is personal data).
impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("grant", &self.name())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scope", &self.scope)
            .field("auth_url", &self.auth_url)
            .field("revoke_url", &self.revoke_url)
            .field("code_verifier", &self.code_verifier)
            .finish_non_exhaustive()
    }
}

/// The PKCE `code_challenge` of `verifier` with the `S256` method (RFC 7636): the unpadded
/// base64url SHA-256 of its bytes. Send it (with `code_challenge_method=S256`) to the
/// authorize endpoint, and the verifier with the code ([`Grant::code_verifier`],
/// [`ClientBuilder::code_verifier`](crate::ClientBuilder::code_verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `error` is the endpoint refusing the grant (a `4xx`), rather than not answering.
fn refused(error: &Error) -> bool {
    matches!(error, Error::Auth { status: Some(status), .. } if status.is_client_error())
}

/// POSTs `body` as JSON to `url` (the `endpoint`, as errors name it) and returns a
/// successful answer's status and body; a redirect, a body over the cap, a refusal or no
/// answer is the failure, scrubbed by `redactor`.
async fn post(
    http: &Http,
    url: &str,
    body: Vec<u8>,
    endpoint: &str,
    redactor: &Redactor,
) -> Result<(StatusCode, Bytes), AuthFailure> {
    let request = http
        .request(Method::POST, url)
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    let answer = http.send(request).await.map_err(|error| {
        AuthFailure::new(
            None,
            format!(
                "cannot reach the {endpoint} {url}: {}",
                redactor.line(&chain(&error.without_url()))
            ),
        )
    })?;
    let status = answer.status;
    let body = match answer.body {
        Ok(body) => body,
        Err(Unread::Redirect) => {
            let to = location(&answer.headers).map(|to| redactor.line(&to));
            let message = match &to {
                Some(to) => format!(
                    "the {endpoint} answered {status} redirecting to {to}: the client follows \
                     no redirect"
                ),
                None => format!(
                    "the {endpoint} answered {status} without a location: the client follows \
                     no redirect"
                ),
            };
            let mut failure = AuthFailure::new(Some(status), message);
            failure.location = to;
            return Err(failure);
        }
        Err(Unread::TooLarge) => {
            return Err(AuthFailure::new(
                Some(status),
                format!(
                    "the {endpoint}'s {status} answer is larger than {}, the most the client \
                     reads (`ClientBuilder::max_response_size`)",
                    describe_size(http.max_response_size())
                ),
            ));
        }
    };
    if !status.is_success() {
        let mut message = format!("the {endpoint} answered {status}");
        if let Some(reason) = refusal_reason(&body, redactor) {
            message.push_str(": ");
            message.push_str(&reason);
        }
        return Err(AuthFailure {
            status: Some(status),
            message,
            location: None,
            body: Some(redactor.body(&body)),
        });
    }
    Ok((status, body))
}

/// What a refusal says, from an OAuth error (`error`, `error_description`) or a JSON:API
/// errors document (a list, or a single error object), scrubbed and bounded.
fn refusal_reason(body: &[u8], redactor: &Redactor) -> Option<String> {
    #[derive(Deserialize)]
    struct OAuthError {
        #[serde(default)]
        error: MaybeText,
        #[serde(default)]
        error_description: MaybeText,
    }
    #[derive(Deserialize)]
    struct SingleError {
        errors: crate::error::ApiError,
    }
    if let Ok(OAuthError {
        error: MaybeText(Some(error)),
        error_description,
    }) = serde_json::from_slice(body)
    {
        let error = redactor.line(&error);
        return Some(match error_description.0 {
            Some(description) => format!("{} ({error})", redactor.line(&description)),
            None => error,
        });
    }
    let errors = match ErrorDocument::parse(body, redactor) {
        Some(errors) => errors,
        None => vec![serde_json::from_slice::<SingleError>(body).ok()?.errors],
    };
    let reasons: Vec<String> = errors
        .iter()
        .filter_map(|error| {
            let detail = [&error.detail, &error.title]
                .into_iter()
                .flatten()
                .find(|text| !text.is_empty())?;
            let detail = redactor.line(detail);
            Some(
                match error.code.as_deref().filter(|code| !code.is_empty()) {
                    Some(code) => format!("{detail} ({})", redactor.line(code)),
                    None => detail,
                },
            )
        })
        .take(5)
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// A member that is a non-empty string, or anything else (read and dropped, never kept).
#[derive(Default)]
struct MaybeText(Option<String>);

impl<'de> Deserialize<'de> for MaybeText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = MaybeText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<MaybeText, E> {
                Ok(MaybeText((!text.is_empty()).then(|| text.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeText, E> {
                Ok(MaybeText(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<MaybeText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<MaybeText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A token's `expires_in`: a number of seconds, or something else.
enum Lifetime {
    Seconds(f64),
    NotANumber,
}

impl<'de> Deserialize<'de> for Lifetime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LifetimeVisitor;
        impl<'de> Visitor<'de> for LifetimeVisitor {
            type Value = Lifetime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds")
            }
            fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Lifetime, E> {
                Ok(Lifetime::Seconds(seconds as f64))
            }
            fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Lifetime, E> {
                Ok(Lifetime::Seconds(seconds as f64))
            }
            fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Lifetime, E> {
                Ok(Lifetime::Seconds(seconds))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Lifetime, E> {
                Ok(Lifetime::NotANumber)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lifetime, E> {
                Ok(Lifetime::NotANumber)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Lifetime, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lifetime::NotANumber)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Lifetime, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Lifetime::NotANumber)
            }
        }
        deserializer.deserialize_any(LifetimeVisitor)
    }
}

/// The tokens, scope and lifetime of a successful token answer. The body is never kept in
/// the failure: it may hold a token.
///
/// A lifetime of zero or less (or too long for a `Duration`) is no lifetime: the token is
/// used until the API refuses it.
fn parse_token(status: StatusCode, body: &[u8]) -> Result<Parsed, AuthFailure> {
    #[derive(Deserialize)]
    struct TokenAnswer {
        #[serde(default)]
        access_token: MaybeText,
        #[serde(default)]
        token_type: MaybeText,
        #[serde(default)]
        expires_in: Option<Lifetime>,
        #[serde(default)]
        refresh_token: MaybeText,
        #[serde(default)]
        scope: MaybeText,
    }
    let fail = |what: &str| AuthFailure::new(Some(status), format!("the token endpoint's {what}"));
    let answer: TokenAnswer =
        serde_json::from_slice(body).map_err(|_| fail("answer is not a JSON object"))?;
    let token = answer
        .access_token
        .0
        .ok_or_else(|| fail("answer has no access_token"))?;
    if let Some(kind) = &answer.token_type.0 {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(fail("token is not a bearer token"));
        }
    }
    let lifetime = match answer.expires_in {
        None => None,
        Some(Lifetime::NotANumber) => return Err(fail("expires_in is not a number")),
        Some(Lifetime::Seconds(seconds)) if seconds > 0.0 => {
            Duration::try_from_secs_f64(seconds).ok()
        }
        Some(Lifetime::Seconds(_)) => None,
    };
    let too_long =
        |token: &Option<String>| token.as_ref().is_some_and(|t| t.len() > MAX_TOKEN_LENGTH);
    if token.len() > MAX_TOKEN_LENGTH || too_long(&answer.refresh_token.0) {
        return Err(fail(&format!(
            "token is longer than {MAX_TOKEN_LENGTH} bytes, more than any token"
        )));
    }
    if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
        return Err(fail(
            "access token contains characters a header cannot carry",
        ));
    }
    Ok(Parsed {
        access_token: token,
        refresh_token: answer.refresh_token.0,
        scope: answer.scope.0,
        lifetime,
    })
}

/// A successful token answer: the tokens, the scope and the lifetime.
struct Parsed {
    access_token: String,
    refresh_token: Option<String>,
    scope: Option<String>,
    lifetime: Option<Duration>,
}

/// Shows the scope and lifetime, never a token.
impl fmt::Debug for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parsed")
            .field("scope", &self.scope)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// Why an exchange with the token or revoke endpoint failed, before it names the grant.
#[derive(Debug)]
struct AuthFailure {
    status: Option<StatusCode>,
    message: String,
    location: Option<String>,
    body: Option<String>,
}

impl AuthFailure {
    fn new(status: Option<StatusCode>, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            location: None,
            body: None,
        }
    }

    /// The [`Error::Auth`], its message starting with `what` failed (`password grant`).
    fn into_error(self, what: &str) -> Error {
        Error::Auth {
            request: None,
            status: self.status,
            message: format!("{what}: {}", self.message),
            location: self.location,
            body: self.body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // A token answer gives its tokens, scope and lifetime; a bad one never echoes the token.
    #[test]
    fn token_answers_are_parsed_without_echoing_the_token() {
        let ok = br#"{"access_token":"tok.en","token_type":"bearer","expires_in":7200,"scope":"market:all","created_at":1}"#;
        let parsed = parse_token(StatusCode::OK, ok).expect("a valid answer");
        assert_eq!(parsed.access_token, "tok.en");
        assert_eq!(parsed.refresh_token, None);
        assert_eq!(parsed.scope.as_deref(), Some("market:all"));
        assert_eq!(parsed.lifetime, Some(Duration::from_secs(7200)));
        let with_refresh = br#"{"access_token":"tok.en","token_type":"bearer","expires_in":7200,"refresh_token":"re.fresh","owner_id":"zxcVBnMASd","owner_type":"customer"}"#;
        let parsed = parse_token(StatusCode::OK, with_refresh).expect("a valid answer");
        assert_eq!(parsed.refresh_token.as_deref(), Some("re.fresh"));
        let null_refresh = br#"{"access_token":"tok.en","refresh_token":null}"#;
        let parsed = parse_token(StatusCode::OK, null_refresh).expect("a valid answer");
        assert_eq!(parsed.refresh_token, None);

        let no_lifetime = br#"{"access_token":"tok.en","token_type":"Bearer"}"#;
        assert_eq!(
            parse_token(StatusCode::OK, no_lifetime)
                .ok()
                .map(|t| t.lifetime),
            Some(None)
        );
        // Zero or less says nothing usable: the token is used until the API refuses it.
        for lifetime in ["0", "-5", "-1e300", "0.0"] {
            let answer = format!(r#"{{"access_token":"tok.en","expires_in":{lifetime}}}"#);
            assert_eq!(
                parse_token(StatusCode::OK, answer.as_bytes())
                    .ok()
                    .map(|t| t.lifetime),
                Some(None),
                "{lifetime}"
            );
        }
        let huge = br#"{"access_token":"tok.en","expires_in":1e300}"#;
        assert_eq!(
            parse_token(StatusCode::OK, huge).ok().map(|t| t.lifetime),
            Some(None)
        );

        for (body, what) in [
            (&b"<html>"[..], "not a JSON object"),
            (br#"{"token_type":"bearer"}"#, "no access_token"),
            (
                br#"{"access_token":"secret-tok","token_type":"mac"}"#,
                "not a bearer token",
            ),
            (
                br#"{"access_token":"secret-tok","expires_in":"secret-tok"}"#,
                "not a number",
            ),
            (br#"{"access_token":"secret\ntok"}"#, "cannot carry"),
            (br#"{"access_token":["secret-tok"]}"#, "no access_token"),
            (br#""secret-tok""#, "not a JSON object"),
        ] {
            let failure = parse_token(StatusCode::OK, body).expect_err("a failure");
            assert!(failure.message.contains(what), "{}", failure.message);
            assert!(!failure.message.contains("secret"), "{}", failure.message);
            assert_eq!(failure.body, None);
        }
    }

    // An access or refresh token longer than any real one is refused, without echo.
    #[test]
    fn overlong_tokens_are_refused() {
        let long = "S".repeat(MAX_TOKEN_LENGTH + 1);
        for body in [
            json!({ "access_token": long }),
            json!({ "access_token": "ok", "refresh_token": long }),
        ] {
            let failure =
                parse_token(StatusCode::OK, body.to_string().as_bytes()).expect_err("too long");
            assert!(
                failure.message.contains("longer than 65536 bytes"),
                "{}",
                failure.message
            );
            assert!(failure.message.len() < 200);
        }
        let at_the_limit = json!({ "access_token": "S".repeat(MAX_TOKEN_LENGTH) });
        assert!(parse_token(StatusCode::OK, at_the_limit.to_string().as_bytes()).is_ok());
    }

    // The PKCE challenge is the unpadded base64url SHA-256 of the verifier, as
    // `printf %s VERIFIER | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d =`
    // computes it.
    #[test]
    fn the_pkce_challenge_is_s256() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mJ92K9LwbPTIQn_6G6c4YQA4mGdNrI"),
            "U9ebgYhlu3mkFbkqYIuSFUcDT8KRx6j41ws2fxDsRjk"
        );
        assert_eq!(
            pkce_challenge("a-verifier-of-forty-three-characters-or-more"),
            "y5UF_tmp_ICTDGza-Ou2vUvx2cu7DBN-Xwf_z0RDfTw"
        );
    }

    // The revoke URL is the auth URL with its last segment `token` replaced by `revoke`.
    #[test]
    fn the_revoke_url_is_derived_from_the_auth_url() {
        let revoke = |auth: &str| {
            Grant::client_credentials("id")
                .auth_url(auth)
                .revoke_endpoint()
                .map_err(|error| error.to_string())
        };
        assert_eq!(
            revoke(DEFAULT_AUTH_URL).as_deref(),
            Ok("https://auth.commercelayer.io/oauth/revoke")
        );
        assert_eq!(
            revoke("http://127.0.0.1:8080/proxy/oauth/token/").as_deref(),
            Ok("http://127.0.0.1:8080/proxy/oauth/revoke")
        );
        for odd in [
            "https://auth.example.com/oauth/tokens",
            "https://auth.example.com/",
        ] {
            assert!(revoke(odd).is_err(), "{odd}");
        }
        let explicit = Grant::client_credentials("id")
            .auth_url("https://auth.example.com/get")
            .revoke_url("https://auth.example.com/drop")
            .revoke_endpoint();
        assert_eq!(
            explicit.ok().as_deref(),
            Some("https://auth.example.com/drop")
        );
    }

    // Each grant's body holds exactly its members; the JWT bearer grant_type is the RFC 7523 URN.
    #[test]
    fn grant_bodies_hold_exactly_their_members() {
        let body = |grant: &Grant| serde_json::to_value(grant.grant_body()).expect("JSON");
        assert_eq!(
            body(&Grant::jwt_bearer("id", "a.b.c")),
            json!({
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": "a.b.c",
                "client_id": "id"
            })
        );
        assert_eq!(
            body(&Grant::authorization_code("id", "code", "https://x.test/cb").code_verifier("v")),
            json!({
                "grant_type": "authorization_code",
                "code": "code",
                "redirect_uri": "https://x.test/cb",
                "code_verifier": "v",
                "client_id": "id"
            })
        );
    }

    // A refusal is described from an OAuth error or a JSON:API errors document.
    #[test]
    fn refusals_are_described() {
        let refusal_reason = |body: &[u8]| super::refusal_reason(body, &Redactor::default());
        assert_eq!(
            refusal_reason(
                br#"{"error":"invalid_client","error_description":"Client authentication failed"}"#
            )
            .as_deref(),
            Some("Client authentication failed (invalid_client)")
        );
        assert_eq!(
            refusal_reason(br#"{"errors":[{"title":"Unauthorized","detail":"Invalid client","code":"UNAUTHORIZED"}]}"#)
                .as_deref(),
            Some("Invalid client (UNAUTHORIZED)")
        );
        assert_eq!(
            refusal_reason(br#"{"errors":{"title":"Unauthorized"}}"#).as_deref(),
            Some("Unauthorized")
        );
        assert_eq!(refusal_reason(b"<html>Bad gateway</html>"), None);
        let echoed =
            br#"{"error":"invalid_client","error_description":"bad secret s%2Fcr\u0065t"}"#;
        assert_eq!(
            super::refusal_reason(echoed, &Redactor::new(["s/cret"])).as_deref(),
            Some("bad secret <redacted> (invalid_client)")
        );
    }

    // A secret's Debug never shows it.
    #[test]
    fn a_secret_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "<redacted>");
        assert_eq!(
            format!("{:?}", Some(Secret::new("hunter2"))),
            "Some(<redacted>)"
        );
    }
}
