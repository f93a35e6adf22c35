//! Every grant against a loopback token endpoint: the exact bodies sent, sessions renewed with
//! their (rotating) refresh tokens before expiry and on `401`, refusals naming the grant
//! without a secret, and revoking a token.

mod auth_util;

use std::time::Duration;

use commercelayer::{Client, ClientBuilder, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use auth_util::{
    GROUP_PATH, REVOKE_PATH, TOKEN_PATH, api_accepting, assert_scrubbed, bodies_at, builder,
    echoing_refusal, received_at, retrieve, token_answer, token_when, tokens_sent,
};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9LwbPTIQn_6G6c4YQA4mGdNrI";

/// Adds a grant's settings to a builder.
type Configure = Box<dyn FnOnce(ClientBuilder) -> ClientBuilder>;

/// Logs in once with `configure`d builder and returns the one token request's body.
async fn first_body(configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Value {
    let server = MockServer::start().await;
    token_when(&server, json!({}), token_answer("tok-1", 7200, Some("r-1"))).await;
    api_accepting(&server, &["tok-1"]).await;
    let client = configure(builder(&server, "the-client-id"))
        .build()
        .expect("a client");
    retrieve(&client).await.expect("authenticated");
    let mut bodies = bodies_at(&server, TOKEN_PATH).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(tokens_sent(&server).await, ["Bearer tok-1"]);
    bodies.remove(0)
}

// Each grant POSTs exactly the JSON the vendor documents: its grant_type, its own members,
// the client id, and the secret, scope and code verifier only when set.
#[tokio::test]
async fn every_grant_sends_exactly_what_the_endpoint_expects() {
    let cases: Vec<(&str, Configure, Value)> = vec![
        (
            "client credentials",
            Box::new(|b| b.client_secret("the-secret").scope("market:code:europe")),
            json!({
                "grant_type": "client_credentials",
                "client_id": "the-client-id",
                "client_secret": "the-secret",
                "scope": "market:code:europe"
            }),
        ),
        (
            "password",
            Box::new(|b| {
                b.password("john@example.com", "s3creT")
                    .scope("market:id:xYZkjABcde")
            }),
            json!({
                "grant_type": "password",
                "username": "john@example.com",
                "password": "s3creT",
                "client_id": "the-client-id",
                "scope": "market:id:xYZkjABcde"
            }),
        ),
        (
            "refresh token",
            Box::new(|b| b.refresh_token("kept-refresh-token")),
            json!({
                "grant_type": "refresh_token",
                "refresh_token": "kept-refresh-token",
                "client_id": "the-client-id"
            }),
        ),
        (
            "authorization code",
            Box::new(|b| {
                b.authorization_code("the-code", "https://yourdomain.com/callback")
                    .client_secret("webapp-secret")
            }),
            json!({
                "grant_type": "authorization_code",
                "code": "the-code",
                "redirect_uri": "https://yourdomain.com/callback",
                "client_id": "the-client-id",
                "client_secret": "webapp-secret"
            }),
        ),
        (
            "authorization code with PKCE",
            Box::new(|b| {
                b.authorization_code("the-code", "https://yourdomain.com/callback")
                    .code_verifier(VERIFIER)
                    .scope("market:id:xYZkjABcde")
            }),
            json!({
                "grant_type": "authorization_code",
                "code": "the-code",
                "redirect_uri": "https://yourdomain.com/callback",
                "code_verifier": VERIFIER,
                "client_id": "the-client-id",
                "scope": "market:id:xYZkjABcde"
            }),
        ),
        (
            "JWT bearer",
            Box::new(|b| {
                b.jwt_bearer("the.assertion.jwt")
                    .client_secret("the-secret")
                    .scope("market:code:europe")
            }),
            json!({
                "grant_type": JWT_BEARER,
                "assertion": "the.assertion.jwt",
                "client_id": "the-client-id",
                "client_secret": "the-secret",
                "scope": "market:code:europe"
            }),
        ),
    ];
    for (grant, configure, expected) in cases {
        assert_eq!(first_body(configure).await, expected, "{grant}");
    }
}

// A password session lives on its refresh token: before each expiry it is renewed with the
// newest refresh token (the endpoint rotates it), with the same client id and scope, and the
// client gives the newest to keep.
#[tokio::test]
async fn a_session_is_renewed_before_expiry_with_its_rotating_refresh_token() {
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({ "grant_type": "password" }),
        token_answer("tok-1", 1, Some("r-1")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-1" }),
        token_answer("tok-2", 1, Some("r-2")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-2" }),
        token_answer("tok-3", 7200, Some("r-3")),
    )
    .await;
    api_accepting(&server, &["tok-1", "tok-2", "tok-3"]).await;
    let client = builder(&server, "sales-channel")
        .password("john@example.com", "s3creT")
        .scope("market:id:xYZkjABcde")
        .build()
        .expect("a client");
    assert_eq!(
        client.refresh_token(),
        None,
        "no token before the first call"
    );

    retrieve(&client).await.expect("logged in");
    assert_eq!(client.refresh_token().as_deref(), Some("r-1"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    retrieve(&client).await.expect("renewed once");
    assert_eq!(client.refresh_token().as_deref(), Some("r-2"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    retrieve(&client).await.expect("renewed twice");
    retrieve(&client).await.expect("the fresh token is reused");

    let refresh = |token: &str| {
        json!({
            "grant_type": "refresh_token",
            "refresh_token": token,
            "client_id": "sales-channel",
            "scope": "market:id:xYZkjABcde"
        })
    };
    assert_eq!(
        bodies_at(&server, TOKEN_PATH).await,
        [
            json!({
                "grant_type": "password",
                "username": "john@example.com",
                "password": "s3creT",
                "client_id": "sales-channel",
                "scope": "market:id:xYZkjABcde"
            }),
            refresh("r-1"),
            refresh("r-2"),
        ]
    );
    assert_eq!(
        tokens_sent(&server).await,
        [
            "Bearer tok-1",
            "Bearer tok-2",
            "Bearer tok-3",
            "Bearer tok-3"
        ]
    );
    assert_eq!(client.refresh_token().as_deref(), Some("r-3"));
    let token = client.token().expect("a token");
    assert_eq!(token.access_token(), "tok-3");
    assert_eq!(token.scope(), Some("market:all"));
    assert!(!format!("{token:?}").contains("tok-3"), "{token:?}");
}

// A refresh token kept from an earlier login starts the session, and each renewal uses the
// newest one; an endpoint that does not repeat it keeps the one in use.
#[tokio::test]
async fn the_refresh_token_grant_follows_rotation() {
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({ "refresh_token": "kept" }),
        token_answer("tok-1", 1, Some("r-1")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-1" }),
        token_answer("tok-2", 1, None),
    )
    .await;
    api_accepting(&server, &["tok-1", "tok-2"]).await;
    let client = builder(&server, "webapp")
        .client_secret("webapp-secret")
        .refresh_token("kept")
        .build()
        .expect("a client");

    retrieve(&client).await.expect("renewed");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    retrieve(&client).await.expect("renewed again");

    let used: Vec<Value> = bodies_at(&server, TOKEN_PATH)
        .await
        .into_iter()
        .map(|body| body["refresh_token"].clone())
        .collect();
    assert_eq!(used, [json!("kept"), json!("r-1")]);
    assert_eq!(
        client.refresh_token().as_deref(),
        Some("r-1"),
        "an answer without a refresh token keeps the one used"
    );
}

// A 401 to a session's token renews it with the refresh token, once, and the call is sent
// again; a second 401 is the error.
#[tokio::test]
async fn a_401_renews_the_session_once() {
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({ "grant_type": JWT_BEARER }),
        token_answer("tok-revoked", 7200, Some("r-1")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-1" }),
        token_answer("tok-2", 7200, Some("r-2")),
    )
    .await;
    token_when(
        &server,
        json!({ "refresh_token": "r-2" }),
        token_answer("tok-3", 7200, Some("r-3")),
    )
    .await;
    api_accepting(&server, &["tok-2"]).await;
    let client = builder(&server, "integration")
        .client_secret("the-secret")
        .jwt_bearer("the.assertion.jwt")
        .build()
        .expect("a client");

    retrieve(&client)
        .await
        .expect("the second attempt succeeds");
    assert_eq!(
        tokens_sent(&server).await,
        ["Bearer tok-revoked", "Bearer tok-2"]
    );
    let bodies = bodies_at(&server, TOKEN_PATH).await;
    assert_eq!(
        bodies[1],
        json!({
            "grant_type": "refresh_token",
            "refresh_token": "r-1",
            "client_id": "integration",
            "client_secret": "the-secret"
        })
    );

    // Now the API refuses every token: one renewal, then the error.
    server.reset().await;
    token_when(
        &server,
        json!({ "refresh_token": "r-2" }),
        token_answer("tok-3", 7200, Some("r-3")),
    )
    .await;
    Mock::given(path(GROUP_PATH))
        .respond_with(auth_util::invalid_token())
        .mount(&server)
        .await;
    let error = retrieve(&client).await.expect_err("refused twice");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(bodies_at(&server, TOKEN_PATH).await.len(), 1);
    assert_eq!(tokens_sent(&server).await, ["Bearer tok-2", "Bearer tok-3"]);
}

// A refused refresh token makes a password session log in again; a JWT bearer one sends its
// assertion again.
#[tokio::test]
async fn a_refused_refresh_token_starts_over_with_the_grant() {
    for (grant, configure) in [
        (
            "password",
            Box::new(|b: ClientBuilder| b.password("john@example.com", "s3creT"))
                as Box<dyn Fn(_) -> _>,
        ),
        (
            "JWT bearer",
            Box::new(|b: ClientBuilder| b.jwt_bearer("the.assertion.jwt")),
        ),
    ] {
        let server = MockServer::start().await;
        token_when(&server, json!({ "refresh_token": "r-1" }), ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "The provided authorization grant is invalid, expired or revoked."
        }))).await;
        token_when(
            &server,
            json!({ "client_id": "sales-channel" }),
            token_answer("tok-1", 1, Some("r-1")),
        )
        .await;
        api_accepting(&server, &["tok-1"]).await;
        let client = configure(builder(&server, "sales-channel"))
            .build()
            .expect("a client");

        retrieve(&client).await.expect("logged in");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        retrieve(&client).await.expect("logged in again");

        let kinds: Vec<Value> = bodies_at(&server, TOKEN_PATH)
            .await
            .into_iter()
            .map(|body| body["grant_type"].clone())
            .collect();
        let own = if grant == "password" {
            "password"
        } else {
            JWT_BEARER
        };
        assert_eq!(
            kinds,
            [json!(own), json!("refresh_token"), json!(own)],
            "{grant}"
        );
    }
}

// An authorization code is good once: when the session's refresh token is refused, the error
// says so, with the endpoint's reason, and the code is not sent again.
#[tokio::test]
async fn a_refused_refresh_token_ends_an_authorization_code_session() {
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({ "grant_type": "authorization_code" }),
        token_answer("tok-1", 1, Some("r-1")),
    )
    .await;
    token_when(
        &server,
        json!({ "grant_type": "refresh_token" }),
        ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "The refresh token was revoked."
        })),
    )
    .await;
    api_accepting(&server, &["tok-1"]).await;
    let client = builder(&server, "webapp")
        .client_secret("webapp-secret")
        .authorization_code("the-code", "https://yourdomain.com/callback")
        .build()
        .expect("a client");

    retrieve(&client).await.expect("authorized");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let error = retrieve(&client).await.expect_err("the session ended");

    assert_eq!(
        error.to_string(),
        "GET /api/customer_groups/xYZkjABcde: authentication failed: authorization code grant, \
         renewed with its refresh token: the token endpoint answered 400 Bad Request: The \
         refresh token was revoked. (invalid_grant)"
    );
    let kinds: Vec<Value> = bodies_at(&server, TOKEN_PATH)
        .await
        .into_iter()
        .map(|body| body["grant_type"].clone())
        .collect();
    assert_eq!(kinds, [json!("authorization_code"), json!("refresh_token")]);
}

// A refusal of any grant is Error::Auth naming the grant, with the endpoint's error and
// error_description; what the endpoint echoes of the password, client secret, code, code
// verifier, assertion or refresh token, in any encoding, appears nowhere in it.
#[tokio::test]
async fn a_refusal_names_the_grant_and_holds_no_secret() {
    const SECRET: &str = "SUPERSECRET-s€c/r\"et +&=?";
    const PASSWORD: &str = "SUPERSECRET pässword/+&";
    const CODE: &str = "SUPERSECRET-code/+=";
    const ASSERTION: &str = "SUPERSECRET.assertion/+.jwt";
    const REFRESH: &str = "SUPERSECRET-refresh/+";
    let cases: Vec<(&str, ClientBuilder, Vec<&str>)> = {
        let server = MockServer::start().await;
        let b = || builder(&server, "the-client-id").client_secret(SECRET);
        vec![
            ("client credentials", b(), vec![SECRET]),
            (
                "password",
                b().password("john@example.com", PASSWORD),
                vec![SECRET, PASSWORD],
            ),
            (
                "refresh token",
                b().refresh_token(REFRESH),
                vec![SECRET, REFRESH],
            ),
            (
                "authorization code",
                b().authorization_code(CODE, "https://yourdomain.com/callback")
                    .code_verifier(VERIFIER),
                vec![SECRET, CODE, VERIFIER],
            ),
            (
                "JWT bearer",
                b().jwt_bearer(ASSERTION),
                vec![SECRET, ASSERTION],
            ),
        ]
    };
    for (grant, builder, secrets) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(echoing_refusal(
                400,
                secrets.iter().map(|s| s.to_string()).collect(),
            ))
            .mount(&server)
            .await;
        let client = builder
            .base_url(format!("{}/api", server.uri()))
            .auth_url(format!("{}{TOKEN_PATH}", server.uri()))
            .build()
            .expect("a client");

        let error = retrieve(&client).await.expect_err("refused");

        assert!(
            matches!(&error, Error::Auth { status: Some(s), .. } if s.as_u16() == 400),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.starts_with(&format!(
                "GET /api/customer_groups/xYZkjABcde: authentication failed: {grant} grant: \
                 the token endpoint answered 400 Bad Request: you sent "
            )),
            "{text}"
        );
        assert!(text.ends_with("(invalid_grant)"), "{text}");
        assert_scrubbed(grant, &error, &secrets);
        assert!(received_at(&server, GROUP_PATH).await.is_empty());
        assert!(!format!("{client:?}").contains("SUPERSECRET"), "{client:?}");
    }
}

// Revoking POSTs the client id, the client secret when set, and the current token to the
// auth URL's `revoke` sibling, then forgets the token: the next call obtains another.
#[tokio::test]
async fn revoke_posts_the_token_and_forgets_it() {
    for (secret, expected) in [
        (
            None,
            json!({ "client_id": "sales-channel", "token": "tok-1" }),
        ),
        (
            Some("the-secret"),
            json!({ "client_id": "sales-channel", "client_secret": "the-secret", "token": "tok-1" }),
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/custom/oauth/revoke"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        api_accepting(&server, &["tok-1"]).await;
        let mut client = builder(&server, "sales-channel")
            .auth_url(format!("{}/custom{TOKEN_PATH}", server.uri()))
            .password("john@example.com", "s3creT");
        if let Some(secret) = secret {
            client = client.client_secret(secret);
        }
        let client = client.build().expect("a client");
        Mock::given(method("POST"))
            .and(path(format!("/custom{TOKEN_PATH}")))
            .respond_with(token_answer("tok-1", 7200, Some("r-1")))
            .mount(&server)
            .await;

        client.revoke().await.expect("nothing to revoke yet");
        assert!(
            received_at(&server, "/custom/oauth/revoke")
                .await
                .is_empty()
        );
        retrieve(&client).await.expect("logged in");
        client.revoke().await.expect("revoked");

        assert_eq!(bodies_at(&server, "/custom/oauth/revoke").await, [expected]);
        assert_eq!(client.token(), None);
        assert_eq!(client.refresh_token(), None);
        retrieve(&client).await.expect("logged in again");
        assert_eq!(
            bodies_at(&server, &format!("/custom{TOKEN_PATH}"))
                .await
                .len(),
            2
        );
    }
}

// A refused revoke is Error::Auth with the endpoint's reason and no token or secret; the
// token is kept.
#[tokio::test]
async fn a_refused_revoke_is_an_auth_error_without_secrets() {
    const TOKEN: &str = "SUPERSECRET.access/+token";
    const SECRET: &str = "SUPERSECRET-client/+secret";
    let server = MockServer::start().await;
    token_when(
        &server,
        json!({}),
        token_answer(TOKEN, 7200, Some("SUPERSECRET-refresh")),
    )
    .await;
    Mock::given(method("POST"))
        .and(path(REVOKE_PATH))
        .respond_with(echoing_refusal(
            401,
            vec![TOKEN.to_string(), SECRET.to_string()],
        ))
        .mount(&server)
        .await;
    api_accepting(&server, &[TOKEN]).await;
    let client = builder(&server, "integration")
        .client_secret(SECRET)
        .build()
        .expect("a client");
    retrieve(&client).await.expect("authenticated");

    let error = client.revoke().await.expect_err("refused");

    assert!(
        error.to_string().starts_with(
            "authentication failed: cannot revoke the token: the revoke endpoint answered 401 \
             Unauthorized: you sent "
        ),
        "{error}"
    );
    assert_scrubbed("revoke", &error, &[TOKEN, SECRET, "SUPERSECRET-refresh"]);
    assert_eq!(
        client
            .token()
            .map(|t| t.access_token().to_string())
            .as_deref(),
        Some(TOKEN)
    );
}

// The revoke URL is derived only from an auth URL ending in `token`; `revoke_url` sets it.
// A token given as it is cannot be revoked (there is no client id).
#[tokio::test]
async fn revoke_needs_an_endpoint_and_a_client_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/get-token"))
        .respond_with(token_answer("tok-1", 7200, None))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/elsewhere/revoke"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    api_accepting(&server, &["tok-1"]).await;
    let odd = || builder(&server, "id").auth_url(format!("{}/oauth/get-token", server.uri()));

    let client = odd().build().expect("a client");
    retrieve(&client).await.expect("authenticated");
    let error = client.revoke().await.expect_err("no revoke URL");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("set the revoke URL"), "{error}");

    let client = odd()
        .revoke_url(format!("{}/elsewhere/revoke", server.uri()))
        .build()
        .expect("a client");
    retrieve(&client).await.expect("authenticated");
    client.revoke().await.expect("revoked where told");
    assert_eq!(
        bodies_at(&server, "/elsewhere/revoke").await,
        [json!({ "client_id": "id", "token": "tok-1" })]
    );

    let fixed = Client::new(&format!("{}/api", server.uri()), "fixed").expect("a client");
    let error = fixed.revoke().await.expect_err("no client id");
    assert!(
        error
            .to_string()
            .contains("needs the application's client id"),
        "{error}"
    );
}

// The builder refuses grants without a client id, two grants, a token with a grant, a code
// verifier without a code or of the wrong shape, and empty grant members.
#[test]
fn grant_settings_are_checked() {
    let b = || Client::builder().organization("acme");
    let refused = [
        ("no client id", b().password("u", "p")),
        (
            "two grants",
            b().client_id("id").password("u", "p").jwt_bearer("a"),
        ),
        ("token and grant", b().access_token("t").password("u", "p")),
        (
            "verifier without code",
            b().client_id("id").code_verifier(VERIFIER),
        ),
        (
            "short verifier",
            b().client_id("id")
                .authorization_code("c", "https://x.test/cb")
                .code_verifier("short"),
        ),
        ("empty username", b().client_id("id").password("", "p")),
        ("empty password", b().client_id("id").password("u", "")),
        ("empty assertion", b().client_id("id").jwt_bearer("")),
        (
            "empty code",
            b().client_id("id")
                .authorization_code("", "https://x.test/cb"),
        ),
        ("empty refresh token", b().client_id("id").refresh_token("")),
        ("bad domain", b().client_id("id").domain("Commerce Layer")),
        (
            "callback without token",
            b().refresh_with(|t| async move { Ok(t) }),
        ),
    ];
    for (case, builder) in refused {
        match builder.build() {
            Err(Error::Config { message, .. }) => {
                assert!(!message.contains(VERIFIER), "{case}: {message}");
            }
            other => panic!("{case}: {other:?}"),
        }
    }
    // The same grant set twice is replaced, not doubled.
    b().client_id("id")
        .password("u", "p")
        .password("u2", "p2")
        .build()
        .expect("one password grant");
    // The domain names the default token endpoint and the organization's API.
    let client = b()
        .client_id("id")
        .domain("commercelayer.co")
        .build()
        .expect("a client");
    assert_eq!(client.base_url(), "https://acme.commercelayer.co/api");
    assert!(
        format!("{client:?}").contains("https://auth.commercelayer.co/oauth/token"),
        "{client:?}"
    );
}
