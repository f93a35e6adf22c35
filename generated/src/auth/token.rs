//! An access token as a session keeps it: the token, its refresh token, when it expires and
//! its scope; serializable, so that a [`TokenStore`](super::TokenStore) can keep it.

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Claims;
use crate::error::Error;

/// An access token, with what came with it.
///
/// Its `Debug` never shows the access or refresh token; its serde form (for a
/// [`TokenStore`](super::TokenStore)) holds both:
/// `{"access_token": "...", "refresh_token": "...", "expires_at": "2025-01-01T12:00:00Z", "scope": "market:all"}`.
#[derive(Clone, Serialize, Deserialize)]
pub struct Token {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    /// When the token was asked for and how long it lives, as the token endpoint said: the
    /// monotonic clock the cache schedules refreshes with.
    #[serde(skip)]
    lifetime: Option<(Instant, Duration)>,
}

impl Token {
    /// A token with nothing else known about it.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
            scope: None,
            lifetime: None,
        }
    }

    /// With the refresh token that renews it.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<String>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// With when it expires (else its JWT's `exp` claim is used, if it has one).
    pub fn with_expires_at(mut self, expires_at: DateTime<Utc>) -> Self {
        self.expires_at = Some(expires_at);
        self.lifetime = None;
        self
    }

    /// With the scope it was granted.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// A token the endpoint gave at `requested_at` with `lifetime`.
    pub(crate) fn fetched(
        access_token: String,
        refresh_token: Option<String>,
        scope: Option<String>,
        requested_at: Instant,
        lifetime: Option<Duration>,
    ) -> Self {
        let expires_at = lifetime.and_then(|lifetime| {
            let lifetime = chrono::Duration::from_std(lifetime).ok()?;
            Utc::now().checked_add_signed(lifetime)
        });
        Self {
            access_token,
            refresh_token,
            expires_at,
            scope,
            lifetime: lifetime.map(|lifetime| (requested_at, lifetime)),
        }
    }

    /// The access token, sent as `Authorization: Bearer {token}`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token, when the grant gave one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    pub(crate) fn set_refresh_token(&mut self, refresh_token: Option<String>) {
        self.refresh_token = refresh_token;
    }

    /// When it expires, as given (or as the token endpoint's `expires_in` said); `None` when
    /// unknown (see [`Token::effective_expiry`]).
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// When it expires: as given, else its JWT's `exp` claim; `None` when neither says.
    pub fn effective_expiry(&self) -> Option<DateTime<Utc>> {
        self.expires_at.or_else(|| {
            Claims::decode_ignoring_expiry(&self.access_token)
                .ok()
                .map(|claims| claims.expires_at())
        })
    }

    /// Whether it has expired, as far as [`Token::effective_expiry`] says.
    pub fn is_expired(&self) -> bool {
        self.effective_expiry().is_some_and(|at| at <= Utc::now())
    }

    /// The scope it was granted, when known.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Its claims (see [`Claims::decode`]: an expired token is an error).
    pub fn claims(&self) -> Result<Claims, Error> {
        Claims::decode(&self.access_token)
    }

    /// When it was asked for and how long it lives, on the monotonic clock: as the token
    /// endpoint said, else from [`Token::effective_expiry`] and now. `None` when unknown or
    /// already over.
    pub(crate) fn lifetime(&self, now: Instant) -> Option<(Instant, Duration)> {
        if let Some(lifetime) = self.lifetime {
            return Some(lifetime);
        }
        let left = self.effective_expiry()? - Utc::now();
        let left = left.to_std().ok().filter(|left| !left.is_zero())?;
        Some((now, left))
    }
}

/// Shows whether there is a refresh token, the expiry and the scope; never a token.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Tokens are equal when what they say is: the monotonic lifetime kept for scheduling aside.
impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.access_token == other.access_token
            && self.refresh_token == other.refresh_token
            && self.expires_at == other.expires_at
            && self.scope == other.scope
    }
}

impl Eq for Token {}

impl From<String> for Token {
    fn from(access_token: String) -> Self {
        Self::new(access_token)
    }
}

impl From<&str> for Token {
    fn from(access_token: &str) -> Self {
        Self::new(access_token)
    }
}
