//! Authentication: a fixed access token, or OAuth2 client credentials exchanged for access
//! tokens that are cached (shared by every clone of a client) and refreshed before they expire.
//!
//! A token is refreshed when less than a tenth of its lifetime, and at most 60 seconds, is left
//! ([`refresh_margin`]); and once more when the API answers `401` to it. One token request
//! serves every caller waiting for it: the cache is behind an async mutex held while the token
//! is fetched, so concurrent callers queue behind the one fetching and then reuse its token (or
//! its failure, rather than each trying again), whatever lifetime it was given. A lifetime of
//! zero or less says nothing usable: such a token is used until the API refuses it, as one
//! given without a lifetime.
//!
//! The token endpoint is reached through the same [`Http`] as the API: it follows no redirect
//! (a `307` cannot take the client secret elsewhere) and reads at most the configured size;
//! what its refusals hold is scrubbed of the client secret by the same [`Redactor`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use tokio::sync::Mutex;

use crate::error::Error;
use crate::error::{ErrorDocument, chain};
use crate::jsonapi::Secret;
use crate::redact::Redactor;
use crate::trace;
use crate::transport::{Http, Unread, describe_size, location};

/// Where client credentials are exchanged for an access token unless
/// [`ClientBuilder::auth_url`](crate::ClientBuilder::auth_url) says otherwise.
pub const DEFAULT_AUTH_URL: &str = "https://auth.commercelayer.io/oauth/token";

/// The most time before a token's expiry at which it is refreshed.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// After a refresh fails while the current token is still valid, how long that token is used
/// before the next refresh is tried (so a failing token endpoint is not asked on every request).
const REFRESH_RETRY_DELAY: Duration = Duration::from_secs(5);

/// How long before a token's expiry it is refreshed: a tenth of its lifetime, at most 60
/// seconds (so a two-hour token is refreshed a minute early, a 30-second one 3 seconds early).
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_REFRESH_MARGIN)
}

/// How a client authenticates its requests.
pub(crate) enum Auth {
    /// One access token, given by the caller, sent as it is: never refreshed.
    Token(HeaderValue),
    /// Client credentials, exchanged for access tokens as needed.
    Credentials(Box<TokenSource>),
}

/// The `Authorization` header for one attempt, and which token it carries.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) header: HeaderValue,
    /// The token's generation, when it came from client credentials.
    generation: Option<u64>,
}

impl Auth {
    /// The `Authorization` header to send now, fetching a token first when there is none
    /// that is fresh.
    pub(crate) async fn bearer(&self) -> Result<Bearer, Error> {
        match self {
            Auth::Token(header) => Ok(Bearer {
                header: header.clone(),
                generation: None,
            }),
            Auth::Credentials(source) => source.bearer().await,
        }
    }

    /// The secrets a server could echo besides the bearer tokens: the client secret.
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        let secret = match self {
            Auth::Token(_) => None,
            Auth::Credentials(source) => source.client_secret.as_ref().map(Secret::expose),
        };
        secret.into_iter()
    }

    /// Forgets the token `bearer` carried, which the API refused, so that the next request
    /// fetches another; false when the token cannot be replaced (it was given by the caller).
    pub(crate) async fn invalidate(&self, bearer: &Bearer) -> bool {
        match (self, bearer.generation) {
            (Auth::Credentials(source), Some(generation)) => {
                source.invalidate(generation).await;
                true
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => f
                .debug_struct("AccessToken")
                .field("token", &"<redacted>")
                .finish(),
            Auth::Credentials(source) => f
                .debug_struct("ClientCredentials")
                .field("client_id", &source.client_id)
                .field("client_secret", &source.client_secret)
                .field("scope", &source.scope)
                .field("auth_url", &source.url)
                .finish_non_exhaustive(),
        }
    }
}

/// Client credentials and the token they were last exchanged for.
pub(crate) struct TokenSource {
    http: Http,
    url: String,
    client_id: String,
    client_secret: Option<Secret>,
    scope: Option<String>,
    state: Mutex<State>,
    /// Token requests finished so far: a caller that saw this change while it waited for
    /// the lock knows another caller just asked for a token (and may use the token it got).
    completed: AtomicU64,
    /// The cached token and when it expires, readable while another caller holds `state` to
    /// refresh it early: a token that still works is used rather than waited behind.
    working: std::sync::Mutex<Option<(Bearer, Option<Instant>)>>,
}

#[derive(Default)]
struct State {
    token: Option<Cached>,
    /// Tokens fetched so far; each token is numbered by it.
    generation: u64,
    /// Why the last token request failed, unless it succeeded.
    failure: Option<AuthFailure>,
}

struct Cached {
    header: HeaderValue,
    generation: u64,
    /// The value of `completed` once this token's request finished.
    fetched: u64,
    /// When to fetch the next token; `None` when the token endpoint gave no lifetime (the
    /// token is then used until the API refuses it).
    refresh_at: Option<Instant>,
    /// When the token stops working, as far as its lifetime says.
    expires_at: Option<Instant>,
}

impl Cached {
    fn is_fresh(&self, now: Instant) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    fn is_valid(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }

    fn bearer(&self) -> Bearer {
        Bearer {
            header: self.header.clone(),
            generation: Some(self.generation),
        }
    }
}

/// The settings of a [`TokenSource`].
pub(crate) struct Credentials {
    pub(crate) url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<Secret>,
    pub(crate) scope: Option<String>,
}

/// The body of a client-credentials token request.
#[derive(Serialize)]
struct TokenRequest<'a> {
    grant_type: &'static str,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
}

/// A token as the token endpoint gave it.
struct Fetched {
    header: HeaderValue,
    lifetime: Option<Duration>,
    requested_at: Instant,
}

impl TokenSource {
    pub(crate) fn new(credentials: Credentials, http: Http) -> Self {
        Self {
            http,
            url: credentials.url,
            client_id: credentials.client_id,
            client_secret: credentials.client_secret,
            scope: credentials.scope,
            state: Mutex::new(State::default()),
            completed: AtomicU64::new(0),
            working: std::sync::Mutex::new(None),
        }
    }

    /// The token that still works, if any, without waiting for the lock.
    fn working(&self) -> Option<Bearer> {
        let working = self
            .working
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match &*working {
            Some((bearer, expires_at)) if expires_at.is_none_or(|at| Instant::now() < at) => {
                Some(bearer.clone())
            }
            _ => None,
        }
    }

    fn set_working(&self, token: Option<&Cached>) {
        let mut working = self
            .working
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *working = token.map(|token| (token.bearer(), token.expires_at));
    }

    async fn bearer(&self) -> Result<Bearer, Error> {
        let seen = self.completed.load(Ordering::Acquire);
        let mut state = match self.state.try_lock() {
            Ok(state) => state,
            // Another caller is fetching a token. If it is an early refresh, the current
            // token still works: use it rather than wait (the token endpoint may be slow).
            Err(_) => match self.working() {
                Some(bearer) => return Ok(bearer),
                None => self.state.lock().await,
            },
        };
        if let Some(token) = &state.token {
            // A token fetched while this caller waited serves it, whatever its lifetime:
            // callers that queued behind one token request are all served by it.
            if token.is_fresh(Instant::now()) || token.fetched > seen {
                return Ok(token.bearer());
            }
        }
        // Another caller asked for a token while this one waited, and failed: share its
        // failure rather than asking again at once.
        if self.completed.load(Ordering::Acquire) != seen {
            if let Some(failure) = &state.failure {
                return Err(failure.to_error());
            }
        }
        let outcome = self.fetch().await;
        let fetched_count = self.completed.fetch_add(1, Ordering::Release) + 1;
        match outcome {
            Ok(fetched) => {
                let fetched_number = fetched_count;
                state.generation += 1;
                let expires_at = fetched
                    .lifetime
                    .and_then(|lifetime| fetched.requested_at.checked_add(lifetime));
                let refresh_at = fetched.lifetime.and_then(|lifetime| {
                    let early = lifetime - refresh_margin(lifetime);
                    fetched.requested_at.checked_add(early)
                });
                let token = Cached {
                    header: fetched.header,
                    generation: state.generation,
                    fetched: fetched_number,
                    refresh_at,
                    expires_at,
                };
                let bearer = token.bearer();
                self.set_working(Some(&token));
                state.token = Some(token);
                state.failure = None;
                Ok(bearer)
            }
            Err(failure) => {
                let error = failure.to_error();
                state.failure = Some(failure);
                let now = Instant::now();
                match &mut state.token {
                    // The refresh was early: the token still works, so keep using it a while.
                    Some(token) if token.is_valid(now) => {
                        let retry_at = now + REFRESH_RETRY_DELAY;
                        token.refresh_at = Some(
                            token
                                .expires_at
                                .map_or(retry_at, |expires_at| retry_at.min(expires_at)),
                        );
                        Ok(token.bearer())
                    }
                    _ => {
                        state.token = None;
                        self.set_working(None);
                        Err(error)
                    }
                }
            }
        }
    }

    /// Forgets token number `generation`, unless it was already replaced.
    async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .token
            .as_ref()
            .is_some_and(|token| token.generation == generation)
        {
            state.token = None;
            self.set_working(None);
        }
    }

    /// Asks the token endpoint for a token.
    async fn fetch(&self) -> Result<Fetched, AuthFailure> {
        let body = serde_json::to_vec(&TokenRequest {
            grant_type: "client_credentials",
            client_id: &self.client_id,
            client_secret: self.client_secret.as_ref().map(Secret::expose),
            scope: self.scope.as_deref(),
        })
        .map_err(|_| AuthFailure::new(None, "cannot encode the token request"))?;
        let span = trace::Span::token(&self.url);
        let requested_at = Instant::now();
        let request = self
            .http
            .request(Method::POST, &self.url)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let answer = span.run(self.http.send(request)).await.map_err(|error| {
            AuthFailure::new(
                None,
                format!(
                    "cannot reach the token endpoint {}: {}",
                    self.url,
                    chain(&error.without_url())
                ),
            )
        })?;
        let status = answer.status;
        span.record_status(status);
        let body = match answer.body {
            Ok(body) => body,
            Err(Unread::Redirect) => {
                let to = location(&answer.headers).map(|to| self.redactor().line(&to));
                let message = match &to {
                    Some(to) => format!(
                        "the token endpoint answered {status} redirecting to {to}: the client \
                         follows no redirect"
                    ),
                    None => format!(
                        "the token endpoint answered {status} without a location: the client \
                         follows no redirect"
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
                        "the token endpoint's {status} answer is larger than {}, the most the \
                         client reads (`ClientBuilder::max_response_size`)",
                        describe_size(self.http.max_response_size())
                    ),
                ));
            }
        };
        if !status.is_success() {
            return Err(self.refusal(status, &body));
        }
        let (header, lifetime) = parse_token(status, &body)?;
        Ok(Fetched {
            header,
            lifetime,
            requested_at,
        })
    }

    /// What removes the client secret from what the token endpoint says.
    fn redactor(&self) -> Redactor {
        Redactor::new(self.client_secret.as_ref().map(Secret::expose))
    }

    /// The failure for a token endpoint's refusal, with what it said and its body, from
    /// which the client secret is removed (in any encoding) should the endpoint echo it.
    fn refusal(&self, status: StatusCode, body: &[u8]) -> AuthFailure {
        let redactor = self.redactor();
        let mut message = format!("the token endpoint answered {status}");
        if let Some(reason) = refusal_reason(body, &redactor) {
            message.push_str(": ");
            message.push_str(&reason);
        }
        AuthFailure {
            status: Some(status),
            message,
            location: None,
            body: Some(redactor.body(body)),
        }
    }
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

/// The `Authorization` header and lifetime of a successful token answer. The body is never
/// kept in the failure: it may hold a token.
///
/// A lifetime of zero or less (or too long for a `Duration`) is no lifetime: the token is
/// used until the API refuses it.
fn parse_token(
    status: StatusCode,
    body: &[u8],
) -> Result<(HeaderValue, Option<Duration>), AuthFailure> {
    #[derive(Deserialize)]
    struct TokenAnswer {
        #[serde(default)]
        access_token: MaybeText,
        #[serde(default)]
        token_type: MaybeText,
        #[serde(default)]
        expires_in: Option<Lifetime>,
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
    let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| fail("access token contains characters a header cannot carry"))?;
    header.set_sensitive(true);
    Ok((header, lifetime))
}

/// Why a token request failed: [`Error::Auth`], kept to give every caller that waited on the
/// same request.
#[derive(Debug, Clone)]
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

    fn to_error(&self) -> Error {
        Error::Auth {
            request: None,
            status: self.status,
            message: self.message.clone(),
            location: self.location.clone(),
            body: self.body.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // While one caller refreshes a token early (the endpoint never answers here), the others
    // go on with the token that still works instead of waiting behind it.
    #[tokio::test]
    async fn an_early_refresh_does_not_hold_up_other_callers() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/oauth/token", listener.local_addr().unwrap());
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = Http::new(
            Http::build_client(reqwest::Client::builder()).unwrap(),
            HeaderValue::from_static("test"),
            Duration::from_secs(30),
            1024,
        );
        let source = std::sync::Arc::new(TokenSource::new(
            Credentials {
                url,
                client_id: "client-id".to_string(),
                client_secret: None,
                scope: None,
            },
            http,
        ));
        let now = Instant::now();
        let cached = Cached {
            header: HeaderValue::from_static("Bearer still-good"),
            generation: 1,
            fetched: 0,
            refresh_at: Some(now),
            expires_at: Some(now + Duration::from_secs(3600)),
        };
        source.set_working(Some(&cached));
        source.state.lock().await.token = Some(cached);

        let refresher = tokio::spawn({
            let source = source.clone();
            async move { source.bearer().await.map(|b| b.header) }
        });
        // The refresher holds the lock once the endpoint has its connection.
        let _connection = listener.accept().await.unwrap();
        let bearer = source.bearer().await.expect("the working token");
        assert_eq!(bearer.header, "Bearer still-good");
        refresher.abort();
    }

    // The refresh margin is a tenth of the lifetime, never more than a minute.
    #[test]
    fn the_refresh_margin_is_a_tenth_capped_at_a_minute() {
        let secs = Duration::from_secs;
        assert_eq!(refresh_margin(secs(7200)), secs(60));
        assert_eq!(refresh_margin(secs(600)), secs(60));
        assert_eq!(refresh_margin(secs(300)), secs(30));
        assert_eq!(refresh_margin(secs(30)), secs(3));
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }

    // A token answer gives a sensitive bearer header and its lifetime; a bad one never echoes the token.
    #[test]
    fn token_answers_are_parsed_without_echoing_the_token() {
        let ok = br#"{"access_token":"tok.en","token_type":"bearer","expires_in":7200,"scope":"market:all","created_at":1}"#;
        let (header, lifetime) = parse_token(StatusCode::OK, ok).expect("a valid answer");
        assert_eq!(header.to_str().expect("ASCII"), "Bearer tok.en");
        assert!(header.is_sensitive());
        assert_eq!(lifetime, Some(Duration::from_secs(7200)));

        let no_lifetime = br#"{"access_token":"tok.en","token_type":"Bearer"}"#;
        assert_eq!(
            parse_token(StatusCode::OK, no_lifetime).ok().map(|t| t.1),
            Some(None)
        );
        // Zero or less says nothing usable: the token is used until the API refuses it.
        for lifetime in ["0", "-5", "-1e300", "0.0"] {
            let answer = format!(r#"{{"access_token":"tok.en","expires_in":{lifetime}}}"#);
            assert_eq!(
                parse_token(StatusCode::OK, answer.as_bytes())
                    .ok()
                    .map(|t| t.1),
                Some(None),
                "{lifetime}"
            );
        }
        let huge = br#"{"access_token":"tok.en","expires_in":1e300}"#;
        assert_eq!(
            parse_token(StatusCode::OK, huge).ok().map(|t| t.1),
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
