//! Tokens from elsewhere, against a loopback API: a token source of your own, an access token
//! replaced by a callback, a store that keeps tokens between runs; and what a token's claims
//! say, including the API a client built from a token alone talks to.

mod auth_util;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use commercelayer::auth::{
    self, BoxFuture, Claims, Grant, Reason, Token, TokenRequest, TokenSource, TokenStore,
};
use commercelayer::{Client, Error};
use futures_util::future::join_all;
use serde_json::json;
use wiremock::MockServer;

use auth_util::{
    GROUP_PATH, TOKEN_PATH, api_accepting, bodies_at, builder, epoch, jwt, received_at, retrieve,
    sales_channel_payload, token_answer, token_when, tokens_sent,
};

/// Why a token source was asked, and the token it replaced.
type Call = (Reason, Option<String>);

/// A token source handing out `vault-1`, `vault-2`..., recording why and what it replaced.
#[derive(Clone, Default)]
struct Vault {
    calls: Arc<Mutex<Vec<Call>>>,
    delay: Duration,
}

impl TokenSource for Vault {
    fn token<'a>(
        &'a self,
        request: TokenRequest<'a>,
    ) -> BoxFuture<'a, commercelayer::Result<Token>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let mut calls = self.calls.lock().unwrap();
            calls.push((
                request.reason(),
                request.previous().map(|t| t.access_token().to_string()),
            ));
            Ok(Token::new(format!("vault-{}", calls.len())))
        })
    }
}

fn vault_client(server: &MockServer, vault: &Vault) -> Client {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .token_source(vault.clone())
        .build()
        .expect("a client")
}

// A token source of your own is asked once however many calls wait, its token is cached, and
// it is asked again, with the refused token, when the API answers 401.
#[tokio::test]
async fn a_token_source_of_your_own_is_cached_and_asked_again_on_401() {
    let server = MockServer::start().await;
    api_accepting(&server, &["vault-2"]).await;
    let vault = Vault {
        delay: Duration::from_millis(100),
        ..Vault::default()
    };
    let client = vault_client(&server, &vault);

    let results = join_all((0..20).map(|_| retrieve(&client).send())).await;

    // All twenty waited for vault-1, which the API refused: one asked again (the others
    // shared its vault-2, obtained while they waited).
    for result in results {
        result.expect("each call succeeds with vault-2");
    }
    assert_eq!(
        *vault.calls.lock().unwrap(),
        [
            (Reason::Initial, None),
            (Reason::Refused, Some("vault-1".to_string()))
        ]
    );
    retrieve(&client).await.expect("cached");
    assert_eq!(vault.calls.lock().unwrap().len(), 2);
    assert_eq!(
        client
            .token()
            .map(|t| t.access_token().to_string())
            .as_deref(),
        Some("vault-2")
    );
}

/// A source that fails, saying so with `auth::failure`.
struct Broken;

impl TokenSource for Broken {
    fn token<'a>(&'a self, _: TokenRequest<'a>) -> BoxFuture<'a, commercelayer::Result<Token>> {
        Box::pin(async { Err(auth::failure("the vault is sealed\u{1b}[31m")) })
    }
}

// A token source's failure is Error::Auth naming the call, its escape sequence removed; a
// source that cannot revoke says so.
#[tokio::test]
async fn a_token_source_failure_is_an_auth_error() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .token_source(Broken)
        .build()
        .expect("a client");

    let error = retrieve(&client).await.expect_err("no token");

    assert_eq!(
        error.to_string(),
        "GET /api/customer_groups/xYZkjABcde: authentication failed: the token source failed: \
         the vault is sealed"
    );
    assert!(matches!(error, Error::Auth { status: None, .. }));
    assert!(received_at(&server, GROUP_PATH).await.is_empty());

    let vault = vault_client(&server, &Vault::default());
    api_accepting(&server, &["vault-1"]).await;
    retrieve(&vault).await.expect("authenticated");
    let error = vault.revoke().await.expect_err("cannot revoke");
    assert!(
        error.to_string().contains("cannot revoke tokens"),
        "{error}"
    );
}

/// A source wrapping a grant: logs the reason, then lets the grant do the work.
struct Logged {
    grant: Grant,
    reasons: Arc<Mutex<Vec<Reason>>>,
}

impl TokenSource for Logged {
    fn token<'a>(
        &'a self,
        request: TokenRequest<'a>,
    ) -> BoxFuture<'a, commercelayer::Result<Token>> {
        self.reasons.lock().unwrap().push(request.reason());
        self.grant.token(request)
    }

    fn revoke<'a>(
        &'a self,
        request: auth::RevokeRequest<'a>,
    ) -> BoxFuture<'a, commercelayer::Result<()>> {
        self.grant.revoke(request)
    }

    fn secrets(&self) -> Vec<&str> {
        self.grant.secrets()
    }
}

// The built-in grants are token sources: one can be wrapped in a source of your own, and
// keeps its exact requests, its refresh tokens and its revoke.
#[tokio::test]
async fn a_grant_is_a_token_source_that_can_be_wrapped() {
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({ "grant_type": "password" }),
        token_answer("tok-1", 7200, Some("r-1")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-1" }),
        token_answer("tok-2", 7200, Some("r-2")),
    )
    .await;
    wiremock::Mock::given(wiremock::matchers::path("/oauth/revoke"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&server)
        .await;
    api_accepting(&server, &["tok-2"]).await;
    let reasons = Arc::new(Mutex::new(Vec::new()));
    let grant = Grant::password("sales-channel", "john@example.com", "s3creT")
        .scope("market:code:europe")
        .auth_url(format!("{}{TOKEN_PATH}", server.uri()));
    assert_eq!(grant.name(), "password");
    assert!(!format!("{grant:?}").contains("s3creT"), "{grant:?}");
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .token_source(Logged {
            grant,
            reasons: reasons.clone(),
        })
        .build()
        .expect("a client");

    retrieve(&client).await.expect("renewed after the 401");
    client.revoke().await.expect("revoked");

    assert_eq!(*reasons.lock().unwrap(), [Reason::Initial, Reason::Refused]);
    let bodies = bodies_at(&server, TOKEN_PATH).await;
    assert_eq!(bodies[0]["grant_type"], "password");
    assert_eq!(
        bodies[1],
        json!({
            "grant_type": "refresh_token",
            "refresh_token": "r-1",
            "client_id": "sales-channel",
            "scope": "market:code:europe"
        })
    );
    assert_eq!(
        bodies_at(&server, "/oauth/revoke").await,
        [json!({ "client_id": "sales-channel", "token": "tok-2" })]
    );
}

// An access token with a refresh callback: the callback is called once, with the refused
// token, when the API answers 401 (and the call is sent again with the new token), however
// many calls were waiting.
#[tokio::test]
async fn a_fixed_token_is_replaced_by_the_callback_on_401() {
    let server = MockServer::start().await;
    api_accepting(&server, &["from-callback"]).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token("given")
        .refresh_with({
            let seen = seen.clone();
            move |expired: Token| {
                let seen = seen.clone();
                async move {
                    seen.lock()
                        .unwrap()
                        .push(expired.access_token().to_string());
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(Token::new("from-callback"))
                }
            }
        })
        .build()
        .expect("a client");

    let results = join_all((0..10).map(|_| retrieve(&client).send())).await;

    for result in results {
        result.expect("sent again with the callback's token");
    }
    assert_eq!(*seen.lock().unwrap(), ["given"]);
    let sent = tokens_sent(&server).await;
    assert_eq!(sent.iter().filter(|t| *t == "Bearer given").count(), 10);
    assert_eq!(
        sent.iter().filter(|t| *t == "Bearer from-callback").count(),
        10
    );
}

// A token given with a callback is replaced before its JWT expires, without a 401; a callback
// that fails makes the call fail with its reason.
#[tokio::test]
async fn a_fixed_token_is_replaced_by_the_callback_before_it_expires() {
    let server = MockServer::start().await;
    // Two seconds left (a fifth of a second of margin).
    let expiring = jwt(&sales_channel_payload("acme", 2));
    let fresh = jwt(&sales_channel_payload("acme", 7200));
    api_accepting(&server, &[&expiring, &fresh]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(expiring.clone())
        .refresh_with({
            let (calls, fresh) = (calls.clone(), fresh.clone());
            move |_expired| {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                let fresh = fresh.clone();
                async move {
                    match n {
                        0 => Ok(Token::new(fresh)),
                        _ => Err(auth::failure("no more tokens")),
                    }
                }
            }
        })
        .build()
        .expect("a client");

    retrieve(&client).await.expect("the given token");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    retrieve(&client).await.expect("the callback's token");

    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        tokens_sent(&server).await,
        [format!("Bearer {expiring}"), format!("Bearer {fresh}")]
    );
    // The callback's token is refused: the callback fails, and so does the call.
    server.reset().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(auth_util::invalid_token())
        .mount(&server)
        .await;
    let error = retrieve(&client).await.expect_err("no more tokens");
    assert_eq!(
        error.to_string(),
        "GET /api/customer_groups/xYZkjABcde: authentication failed: the token source failed: \
         no more tokens"
    );
}

/// A store in memory, counting what it is asked.
#[derive(Clone, Default)]
struct Memory {
    token: Arc<Mutex<Option<Token>>>,
    saves: Arc<AtomicUsize>,
    loads: Arc<AtomicUsize>,
    clears: Arc<AtomicUsize>,
}

impl TokenStore for Memory {
    fn load(&self) -> BoxFuture<'_, Option<Token>> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        let token = self.token.lock().unwrap().clone();
        Box::pin(async move { token })
    }

    fn save<'a>(&'a self, token: &'a Token) -> BoxFuture<'a, ()> {
        self.saves.fetch_add(1, Ordering::SeqCst);
        // Round-trips through JSON, as a file or a key-value store would keep it.
        let json = serde_json::to_string(token).expect("a token serializes");
        *self.token.lock().unwrap() = Some(serde_json::from_str(&json).expect("and back"));
        Box::pin(async {})
    }

    fn clear(&self) -> BoxFuture<'_, ()> {
        self.clears.fetch_add(1, Ordering::SeqCst);
        *self.token.lock().unwrap() = None;
        Box::pin(async {})
    }
}

// A store keeps a session across clients (a CLI's runs): the second client uses the saved
// token without logging in, renews it with the saved refresh token once expired, saves each
// rotation, and is cleared by revoke.
#[tokio::test]
async fn a_store_keeps_the_session_between_runs() {
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({ "grant_type": "password" }),
        token_answer("tok-1", 2, Some("r-1")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-1" }),
        token_answer("tok-2", 7200, Some("r-2")),
    )
    .await;
    wiremock::Mock::given(wiremock::matchers::path("/oauth/revoke"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&server)
        .await;
    api_accepting(&server, &["tok-1", "tok-2"]).await;
    let store = Memory::default();
    let run = || {
        builder(&server, "cli")
            .password("john@example.com", "s3creT")
            .token_store(store.clone())
            .build()
            .expect("a client")
    };

    // First run: logs in, saves.
    retrieve(&run()).await.expect("logged in");
    assert_eq!(store.saves.load(Ordering::SeqCst), 1);
    let saved = store.token.lock().unwrap().clone().expect("saved");
    assert_eq!(saved.access_token(), "tok-1");
    assert_eq!(saved.refresh_token(), Some("r-1"));
    assert!(saved.expires_at().is_some());

    // Second run, at once: the saved token is used; nobody logs in.
    let second = run();
    retrieve(&second).await.expect("restored");
    assert_eq!(bodies_at(&server, TOKEN_PATH).await.len(), 1);
    assert_eq!(store.loads.load(Ordering::SeqCst), 2);

    // Third run, once the saved token expired: renewed with the saved refresh token.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let third = run();
    retrieve(&third).await.expect("renewed");
    let bodies = bodies_at(&server, TOKEN_PATH).await;
    assert_eq!(
        bodies[1],
        json!({ "grant_type": "refresh_token", "refresh_token": "r-1", "client_id": "cli" })
    );
    assert_eq!(
        store
            .token
            .lock()
            .unwrap()
            .as_ref()
            .and_then(|t| t.refresh_token().map(str::to_string))
            .as_deref(),
        Some("r-2"),
        "the rotation was saved"
    );
    assert_eq!(
        tokens_sent(&server).await,
        ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    );

    // A fourth run logs out: it revokes the saved token without a call first, and clears.
    let fourth = run();
    fourth.revoke().await.expect("revoked");
    assert_eq!(
        bodies_at(&server, "/oauth/revoke").await,
        [json!({ "client_id": "cli", "token": "tok-2" })]
    );
    assert_eq!(store.clears.load(Ordering::SeqCst), 1);
    assert!(store.token.lock().unwrap().is_none());
}

// A store goes with a session: an access token given alone never changes.
#[test]
fn a_store_needs_a_session() {
    let error = Client::builder()
        .organization("acme")
        .access_token("t")
        .token_store(Memory::default())
        .build()
        .expect_err("nothing to store");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
}

// A token's serde form holds what a store needs; its Debug holds no token.
#[test]
fn a_token_serializes_for_a_store_and_debugs_without_secrets() {
    let expires = chrono::DateTime::from_timestamp(1_900_000_000, 0).expect("a time");
    let token = Token::new("SUPERSECRET-access")
        .with_refresh_token("SUPERSECRET-refresh")
        .with_expires_at(expires)
        .with_scope("market:all");
    let json = serde_json::to_value(&token).expect("serializes");
    assert_eq!(
        json,
        json!({
            "access_token": "SUPERSECRET-access",
            "refresh_token": "SUPERSECRET-refresh",
            "expires_at": "2030-03-17T17:46:40Z",
            "scope": "market:all"
        })
    );
    let back: Token = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, token);
    let minimal: Token = serde_json::from_value(json!({ "access_token": "a" })).expect("minimal");
    assert_eq!(minimal, Token::new("a"));
    let debug = format!("{token:?} {token:#?}");
    assert!(!debug.contains("SUPERSECRET"), "{debug}");
    assert!(token.is_expired() == (expires <= chrono::Utc::now()));
}

// A sales channel token's claims, read without a network call.
#[test]
fn the_claims_of_a_sales_channel_token() {
    let token = jwt(&sales_channel_payload("acme", 3600));

    let claims = Claims::decode(&token).expect("a valid token");

    assert_eq!(claims.organization_slug(), Some("acme"));
    assert_eq!(claims.organization_id(), Some("WXlEOFrjnr"));
    assert_eq!(claims.organization_enterprise(), Some(true));
    assert_eq!(claims.organization_region(), Some("eu-west-1"));
    assert_eq!(claims.application_kind(), "sales_channel");
    assert_eq!(claims.application_id(), Some("DNOPYiZYpn"));
    assert_eq!(claims.application_public(), Some(true));
    assert_eq!(claims.owner_id(), Some("zxcVBnMASd"));
    assert_eq!(claims.owner_type(), Some("Customer"));
    assert_eq!(claims.user_id(), None);
    assert_eq!(claims.market_ids(), ["BjQzVhMPQy"]);
    assert_eq!(claims.market_price_list_id(), Some("vLrWQCJBVo"));
    assert_eq!(
        claims.market_stock_location_ids(),
        ["KaMeoumxJM", "nXvKJuRXEy"]
    );
    assert_eq!(claims.market_geocoder_id(), None);
    assert_eq!(claims.market_allows_external_prices(), Some(false));
    assert_eq!(claims.scope(), Some("market:id:BjQzVhMPQy"));
    assert!(claims.test());
    assert_eq!(claims.expires_at().timestamp(), epoch(3600));
    assert_eq!(
        claims.issued_at().map(|t| t.timestamp()),
        Some(epoch(3600 - 14_400))
    );
    assert_eq!(claims.issuer(), Some("https://auth.commercelayer.io"));
    assert!(!claims.is_expired());
    assert_eq!(claims.payload()["rand"], json!(0.5));
    // As an Authorization header value, too.
    assert_eq!(
        Claims::decode(&format!("Bearer {token}")).expect("decodes"),
        claims
    );

    // An integration's token (live, no market, no owner) and a user's (no organization).
    let integration = jwt(&json!({
        "organization": { "id": "WXlEOFrjnr", "slug": "acme" },
        "application": { "id": "A", "kind": "integration", "public": false },
        "test": false, "exp": epoch(60), "custom_claim": { "plan": "gold" }
    }));
    let claims = Claims::decode(&integration).expect("valid");
    assert_eq!(claims.application_kind(), "integration");
    assert!(!claims.test());
    assert!(claims.market_ids().is_empty());
    assert_eq!(claims.owner_id(), None);
    assert_eq!(
        claims.custom_claim().map(|c| c["plan"].clone()),
        Some(json!("gold"))
    );
    let user = jwt(&json!({
        "application": { "id": "U", "kind": "user", "public": false },
        "user": { "id": "usr1" }, "test": false, "exp": epoch(60)
    }));
    let claims = Claims::decode(&user).expect("valid");
    assert_eq!(claims.organization_slug(), None);
    assert_eq!(claims.user_id(), Some("usr1"));
}

// A token that cannot be decoded is a clear Error::Auth saying why, never repeating the token,
// never a panic: not a JWT, bad base64, not JSON, missing claims, claims of the wrong type,
// expired, absurdly long.
#[test]
fn bad_tokens_are_clear_errors() {
    let b64 = |text: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    };
    let header = b64(r#"{"alg":"RS512"}"#);
    let expired = jwt(&sales_channel_payload("acme", -10));
    let cases: Vec<(String, &str)> = vec![
        (
            "SUPERSECRET".to_string(),
            "not a JWT: it has 1 dot-separated part, not 3",
        ),
        (
            "SUPERSECRET.two".to_string(),
            "not a JWT: it has 2 dot-separated parts, not 3",
        ),
        (
            "a.b.c.SUPERSECRET".to_string(),
            "not a JWT: it has 4 dot-separated parts, not 3",
        ),
        (
            String::new(),
            "not a JWT: it has 1 dot-separated part, not 3",
        ),
        (
            format!("{header}.SUPER*SECRET!.sig"),
            "not a JWT: its payload is not base64url",
        ),
        (
            format!("%%%.{}.sig", b64("{}")),
            "not a JWT: its header is not base64url",
        ),
        (
            format!("{header}.{}.sig", b64("SUPERSECRET not json")),
            "not a JWT: its payload is not a JSON object",
        ),
        (
            format!("{header}.{}.sig", b64("[1,2]")),
            "not a JWT: its payload is not a JSON object",
        ),
        (
            format!("{}.{}.sig", b64("\"SUPERSECRET\""), b64("{}")),
            "not a JWT: its header is not a JSON object",
        ),
        (
            format!(
                "{header}.{}.sig",
                b64(r#"{"organization":{"slug":"SUPERSECRET"}}"#)
            ),
            "the token lacks the claims application.kind, test, exp",
        ),
        (
            format!(
                "{header}.{}.sig",
                b64(r#"{"application":{"kind":"integration"},"test":true}"#)
            ),
            "the token lacks the claim exp",
        ),
        (
            format!(
                "{header}.{}.sig",
                b64(r#"{"application":{"kind":"integration"},"test":"SUPERSECRET","exp":1}"#)
            ),
            "the claim `test` is not true or false",
        ),
        (
            format!(
                "{header}.{}.sig",
                b64(&format!(
                    r#"{{"application":{{"kind":7}},"test":true,"exp":{}}}"#,
                    epoch(60)
                ))
            ),
            "the claim `application.kind` is not a string",
        ),
        (
            format!(
                "{header}.{}.sig",
                b64(&format!(
                    r#"{{"application":{{"kind":"x"}},"test":true,"exp":{},"market":{{"id":[{{}}]}}}}"#,
                    epoch(60)
                ))
            ),
            "the claim `market.id` is not a list of ids",
        ),
        (
            format!(
                "{header}.{}.sig",
                b64(r#"{"application":{"kind":"x"},"test":true,"exp":1e300}"#)
            ),
            "the claim `exp` is out of range",
        ),
        (expired.clone(), "the token expired at "),
        (
            format!("{}.{}.sig", "a".repeat(70_000), b64("{}")),
            "more than the 65536 a token may be",
        ),
    ];
    for (token, reason) in cases {
        let error = Claims::decode(&token).expect_err(reason);
        let text = error.to_string();
        assert!(
            text.starts_with("authentication failed: cannot decode the access token: "),
            "{text}"
        );
        assert!(text.contains(reason), "{reason}: {text}");
        assert!(!text.contains("SUPERSECRET"), "{text}");
        assert!(text.len() < 300, "{text}");
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    }
    // An expired token's claims can still be read, knowingly.
    let claims = Claims::decode_ignoring_expiry(&expired).expect("readable");
    assert!(claims.is_expired());
    assert_eq!(claims.organization_slug(), Some("acme"));
}

// A client built from a token alone talks to the API its claims name, in the domain given;
// a token that names no organization, or is not a JWT, is a configuration error.
#[test]
fn a_client_from_a_token_alone_takes_the_api_from_its_claims() {
    let token = jwt(&sales_channel_payload("acme", 3600));
    let client = Client::builder()
        .access_token(token.clone())
        .build()
        .expect("a client");
    assert_eq!(
        client.base_url().to_string(),
        "https://acme.commercelayer.io/api"
    );
    // Expired: still names its organization (a refresh callback may replace it).
    let expired = jwt(&sales_channel_payload("acme", -60));
    let client = Client::builder()
        .access_token(expired)
        .domain("commercelayer.co")
        .build()
        .expect("a client");
    assert_eq!(client.base_url(), "https://acme.commercelayer.co/api");
    // An explicit organization or base URL wins.
    let client = Client::builder()
        .access_token(token)
        .organization("other")
        .build()
        .expect("a client");
    assert_eq!(client.base_url(), "https://other.commercelayer.io/api");

    let user = jwt(&json!({
        "application": { "kind": "user" }, "user": { "id": "u" }, "test": false, "exp": epoch(60)
    }));
    let hostile = jwt(&json!({
        "organization": { "slug": "evil.example.com/x?" },
        "application": { "kind": "sales_channel" }, "test": false, "exp": epoch(60)
    }));
    for (case, token) in [
        ("user", user),
        ("not a JWT", "SUPERSECRET-opaque".to_string()),
        ("hostile slug", hostile),
    ] {
        let error = Client::builder()
            .access_token(token)
            .build()
            .expect_err(case);
        let text = error.to_string();
        assert!(matches!(error, Error::Config { .. }), "{case}: {error:?}");
        assert!(text.contains("organization"), "{case}: {text}");
        assert!(
            !text.contains("SUPERSECRET") && !text.contains("evil"),
            "{case}: {text}"
        );
    }
}

// A token source's token is sent as given; the builder refuses a source beside other ways to
// authenticate.
#[tokio::test]
async fn a_token_source_replaces_every_other_way() {
    let server = MockServer::start().await;
    for builder in [
        Client::builder().access_token("t"),
        Client::builder().client_id("id"),
        Client::builder().client_secret("s"),
        Client::builder().client_id("id").password("u", "p"),
    ] {
        let error = builder
            .base_url(format!("{}/api", server.uri()))
            .token_source(Vault::default())
            .build()
            .expect_err("two ways");
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
    }
}
