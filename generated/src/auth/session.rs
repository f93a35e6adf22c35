//! A session: the token a [`TokenSource`] gave, cached for every clone of a client, replaced
//! shortly before it expires and when the API refuses it, one request at a time; restored
//! from and saved to a [`TokenStore`]; revoked on demand.
//!
//! A token is replaced when less than a tenth of its lifetime, and at most 60 seconds, is
//! left ([`refresh_margin`]); and once more when the API answers `401` to it. One token
//! request serves every caller waiting for it: the cache is behind an async mutex held while
//! the token is obtained, so concurrent callers queue behind the one asking and then reuse its
//! token (or its failure, rather than each trying again), whatever lifetime it was given. A
//! lifetime of zero or less says nothing usable: such a token is used until the API refuses
//! it, as one given without a lifetime.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex as SyncMutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use tokio::sync::Mutex;

use super::{
    Bearer, BoxFuture, Reason, RevokeRequest, Token, TokenRequest, TokenSource, TokenStore,
    auth_error, share,
};
use crate::error::Error;
use crate::transport::Http;

/// The most time before a token's expiry at which it is replaced.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// After a refresh fails while the current token is still valid, how long that token is used
/// before the next refresh is tried (so a failing token endpoint is not asked on every request).
const REFRESH_RETRY_DELAY: Duration = Duration::from_secs(5);

/// How many refresh tokens the session remembers, to remove them from errors: a server could
/// echo a rotated one.
const REMEMBERED_REFRESH_TOKENS: usize = 16;

/// How long before a token's expiry it is replaced: a tenth of its lifetime, at most 60
/// seconds (so a two-hour token is replaced a minute early, a 30-second one 3 seconds early).
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_REFRESH_MARGIN)
}

/// A source's tokens, cached.
pub(crate) struct Session {
    http: Http,
    source: Box<dyn TokenSource>,
    store: Option<Box<dyn TokenStore>>,
    /// What the `Debug` says of the source (never a secret).
    description: String,
    state: Mutex<State>,
    /// Token requests finished so far: a caller that saw this change while it waited for
    /// the lock knows another caller just obtained a token (and may use it).
    completed: AtomicU64,
    /// The cached token and when it expires, readable while another caller holds `state` to
    /// replace it early: a token that still works is used rather than waited behind.
    working: SyncMutex<Option<(Bearer, Option<Instant>)>>,
    /// The newest token, and the refresh tokens seen, readable at any time.
    latest: SyncMutex<Latest>,
}

#[derive(Default)]
struct Latest {
    token: Option<Token>,
    refresh_tokens: Vec<String>,
}

#[derive(Default)]
struct State {
    /// The token requests use, while it is usable.
    token: Option<Cached>,
    /// The newest token obtained, kept after the API refused it or it expired: its refresh
    /// token renews the session.
    last: Option<Token>,
    /// Whether the API refused `last`.
    refused: bool,
    /// Tokens obtained so far; each token is numbered by it.
    generation: u64,
    /// Why the last token request failed, unless it succeeded.
    failure: Option<Error>,
    /// Whether the store was read.
    restored: bool,
}

struct Cached {
    header: HeaderValue,
    generation: u64,
    /// The value of `completed` once this token's request finished.
    fetched: u64,
    /// When to obtain the next token; `None` when the token has no known lifetime (it is
    /// then used until the API refuses it).
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

/// The `Authorization` header for `token`, marked sensitive; an error (never repeating the
/// token) when it is empty or holds what a header cannot.
fn header_for(token: &Token) -> Result<HeaderValue, Error> {
    if token.access_token().is_empty() {
        return Err(auth_error("the token source gave an empty access token"));
    }
    let mut header =
        HeaderValue::from_str(&format!("Bearer {}", token.access_token())).map_err(|_| {
            auth_error("the token source gave an access token that a header cannot carry")
        })?;
    header.set_sensitive(true);
    Ok(header)
}

impl Session {
    pub(crate) fn new(
        source: Box<dyn TokenSource>,
        store: Option<Box<dyn TokenStore>>,
        description: String,
        http: Http,
    ) -> Self {
        Self {
            http,
            source,
            store,
            description,
            state: Mutex::new(State::default()),
            completed: AtomicU64::new(0),
            working: SyncMutex::new(None),
            latest: SyncMutex::new(Latest::default()),
        }
    }

    /// The token that still works, if any, without waiting for the lock.
    fn working(&self) -> Option<Bearer> {
        let working = self.working.lock().unwrap_or_else(PoisonError::into_inner);
        match &*working {
            Some((bearer, expires_at)) if expires_at.is_none_or(|at| Instant::now() < at) => {
                Some(bearer.clone())
            }
            _ => None,
        }
    }

    fn set_working(&self, token: Option<&Cached>) {
        let mut working = self.working.lock().unwrap_or_else(PoisonError::into_inner);
        *working = token.map(|token| (token.bearer(), token.expires_at));
    }

    fn latest_mut(&self) -> std::sync::MutexGuard<'_, Latest> {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The newest token obtained, if any.
    pub(crate) fn latest(&self) -> Option<Token> {
        self.latest_mut().token.clone()
    }

    /// The source's secrets and every refresh token seen.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut secrets: Vec<String> = self
            .source
            .secrets()
            .into_iter()
            .map(str::to_string)
            .collect();
        secrets.extend(self.latest_mut().refresh_tokens.iter().cloned());
        secrets
    }

    /// Makes `token` the one requests use, numbered `fetched` among the token requests.
    fn install(
        &self,
        state: &mut State,
        token: Token,
        header: HeaderValue,
        fetched: u64,
    ) -> Bearer {
        state.generation += 1;
        let (refresh_at, expires_at) = match token.lifetime(Instant::now()) {
            Some((from, lifetime)) => (
                from.checked_add(lifetime - refresh_margin(lifetime)),
                from.checked_add(lifetime),
            ),
            None => (None, None),
        };
        let cached = Cached {
            header,
            generation: state.generation,
            fetched,
            refresh_at,
            expires_at,
        };
        let bearer = cached.bearer();
        self.set_working(Some(&cached));
        state.token = Some(cached);
        state.failure = None;
        state.refused = false;
        self.remember(&token);
        state.last = Some(token);
        bearer
    }

    /// Records `token` as the newest, and its refresh token among those to scrub.
    fn remember(&self, token: &Token) {
        let mut latest = self.latest_mut();
        if let Some(refresh) = token.refresh_token() {
            if !latest.refresh_tokens.iter().any(|known| known == refresh) {
                if latest.refresh_tokens.len() == REMEMBERED_REFRESH_TOKENS {
                    latest.refresh_tokens.remove(0);
                }
                latest.refresh_tokens.push(refresh.to_string());
            }
        }
        latest.token = Some(token.clone());
    }

    /// Reads the store, once: a token still fresh is used (its bearer is returned); an
    /// expired or nearly expired one becomes the token the source renews.
    async fn restore(&self, state: &mut State) -> Option<Bearer> {
        state.restored = true;
        let token = self.store.as_ref()?.load().await?;
        if token.is_expired() {
            self.remember(&token);
            state.last = Some(token);
            return None;
        }
        let header = header_for(&token).ok()?;
        let fetched = self.completed.fetch_add(1, Ordering::Release) + 1;
        let bearer = self.install(state, token, header, fetched);
        let fresh = state
            .token
            .as_ref()
            .is_some_and(|token| token.is_fresh(Instant::now()));
        fresh.then_some(bearer)
    }

    /// The `Authorization` header to send now, obtaining a token first when there is none
    /// that is fresh.
    pub(crate) async fn bearer(&self) -> Result<Bearer, Error> {
        let seen = self.completed.load(Ordering::Acquire);
        let mut state = match self.state.try_lock() {
            Ok(state) => state,
            // Another caller is obtaining a token. If it is an early refresh, the current
            // token still works: use it rather than wait (the token endpoint may be slow).
            Err(_) => match self.working() {
                Some(bearer) => return Ok(bearer),
                None => self.state.lock().await,
            },
        };
        if let Some(token) = &state.token {
            // A token obtained while this caller waited serves it, whatever its lifetime:
            // callers that queued behind one token request are all served by it.
            if token.is_fresh(Instant::now()) || token.fetched > seen {
                return Ok(token.bearer());
            }
        }
        // Another caller asked for a token while this one waited, and failed: share its
        // failure rather than asking again at once.
        if self.completed.load(Ordering::Acquire) != seen {
            if let Some(failure) = &state.failure {
                return Err(share(failure));
            }
        }
        if !state.restored {
            if let Some(bearer) = self.restore(&mut state).await {
                return Ok(bearer);
            }
        }
        let reason = match (&state.last, state.refused) {
            (None, _) => Reason::Initial,
            (Some(_), true) => Reason::Refused,
            (Some(_), false) => Reason::Expiring,
        };
        let outcome = self
            .source
            .token(TokenRequest::new(state.last.as_ref(), reason, &self.http))
            .await
            .and_then(|token| header_for(&token).map(|header| (token, header)));
        let fetched = self.completed.fetch_add(1, Ordering::Release) + 1;
        match outcome {
            Ok((token, header)) => {
                let bearer = self.install(&mut state, token, header, fetched);
                if let (Some(store), Some(token)) = (&self.store, &state.last) {
                    store.save(token).await;
                }
                Ok(bearer)
            }
            Err(error) => {
                let shared = share(&error);
                state.failure = Some(error);
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
                        Err(shared)
                    }
                }
            }
        }
    }

    /// Forgets token number `generation`, which the API refused, unless it was already
    /// replaced.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .token
            .as_ref()
            .is_some_and(|token| token.generation == generation)
        {
            state.token = None;
            state.refused = true;
            self.set_working(None);
        }
    }

    /// Revokes the newest token (restored from the store if the session has none yet) and
    /// forgets it; nothing is sent when there is none.
    pub(crate) async fn revoke(&self) -> Result<(), Error> {
        let mut state = self.state.lock().await;
        if !state.restored {
            self.restore(&mut state).await;
        }
        let Some(token) = state.last.clone() else {
            return Ok(());
        };
        self.source
            .revoke(RevokeRequest::new(&token, &self.http))
            .await?;
        state.token = None;
        state.last = None;
        state.refused = false;
        state.failure = None;
        self.set_working(None);
        self.latest_mut().token = None;
        if let Some(store) = &self.store {
            store.clear().await;
        }
        Ok(())
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("source", &format_args!("{}", self.description))
            .field("store", &self.store.is_some())
            .finish_non_exhaustive()
    }
}

/// The callback of [`Refreshed`]: the expired or refused token in, a new one out.
pub(crate) type RefreshCallback =
    Box<dyn Fn(Token) -> BoxFuture<'static, Result<Token, Error>> + Send + Sync>;

/// An access token given by the caller, replaced by the caller's callback when it expires
/// (by its JWT's `exp`) or the API refuses it.
pub(crate) struct Refreshed {
    initial: Token,
    callback: RefreshCallback,
}

impl Refreshed {
    pub(crate) fn new(initial: Token, callback: RefreshCallback) -> Self {
        Self { initial, callback }
    }
}

impl TokenSource for Refreshed {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<Token, Error>> {
        match request.previous() {
            Some(previous) => (self.callback)(previous.clone()),
            None if self.initial.is_expired() => (self.callback)(self.initial.clone()),
            None => {
                let initial = self.initial.clone();
                Box::pin(async move { Ok(initial) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    // While one caller refreshes a token early (the endpoint never answers here), the others
    // go on with the token that still works instead of waiting behind it.
    #[tokio::test]
    async fn an_early_refresh_does_not_hold_up_other_callers() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/oauth/token", listener.local_addr().unwrap());
        let http = Http::new(
            Http::build_client(reqwest::Client::builder()).unwrap(),
            HeaderValue::from_static("test"),
            Duration::from_secs(30),
            1024,
        );
        let grant = Grant::client_credentials("client-id").auth_url(url);
        let session = std::sync::Arc::new(Session::new(Box::new(grant), None, String::new(), http));
        let now = Instant::now();
        let cached = Cached {
            header: HeaderValue::from_static("Bearer still-good"),
            generation: 1,
            fetched: 0,
            refresh_at: Some(now),
            expires_at: Some(now + Duration::from_secs(3600)),
        };
        session.set_working(Some(&cached));
        {
            let mut state = session.state.lock().await;
            state.token = Some(cached);
            state.restored = true;
        }

        let refresher = tokio::spawn({
            let session = session.clone();
            async move { session.bearer().await.map(|b| b.header) }
        });
        // The refresher holds the lock once the endpoint has its connection.
        let _connection = listener.accept().await.unwrap();
        let bearer = session.bearer().await.expect("the working token");
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

    // A token a header cannot carry, or an empty one, is refused without being repeated.
    #[test]
    fn unusable_tokens_are_refused_without_echo() {
        for bad in ["", "SECRET\nline", "SECRET\u{7f}"] {
            let error = header_for(&Token::new(bad)).expect_err(bad);
            assert!(!error.to_string().contains("SECRET"), "{error}");
        }
        let header = header_for(&Token::new("ok")).expect("a header");
        assert!(header.is_sensitive());
    }
}
