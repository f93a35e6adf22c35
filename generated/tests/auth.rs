//! Client credentials against a local HTTP server standing in for both the token endpoint and
//! the API: one token request however many callers, refresh on expiry and on `401`, failed
//! token requests as errors; and no token or secret in any `Debug` or `Display`.

mod common;

use std::time::Duration;

use commercelayer::jsonapi::GenericResource;
use commercelayer::{Client, DeleteCall, Error, ItemCall};
use futures_util::future::join_all;
use serde_json::{Value, json};
use wiremock::matchers::{any, bearer_token, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    SEED_ID, SEED_RESPONSE, TOKEN_PATH, credentials_client, header_values, json_api, received,
    received_at, token_answer,
};

const GROUPS: &str = "customer_groups";
const GROUP_PATH: &str = "/api/customer_groups/xYZkjABcde";

fn retrieve(client: &Client) -> ItemCall<GenericResource> {
    ItemCall::retrieve(client, GROUPS, SEED_ID)
}

/// The API's answer to a refused token.
fn invalid_token() -> ResponseTemplate {
    json_api(
        401,
        r#"{"errors":[{"title":"Invalid token","detail":"The access token you provided is invalid.","code":"INVALID_TOKEN","status":"401"}]}"#,
    )
}

/// Mounts the token endpoint answering `answer`, for the first `times` requests only.
async fn token_endpoint(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(answer)
        .up_to_n_times(times)
        .mount(server)
        .await;
}

/// Mounts the API answering with the documented group when called with `token`.
async fn api_accepting(server: &MockServer, token: &str) {
    Mock::given(path(GROUP_PATH))
        .and(bearer_token(token))
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(server)
        .await;
}

/// The tokens the API received, in order.
async fn tokens_sent(server: &MockServer) -> Vec<String> {
    received_at(server, GROUP_PATH)
        .await
        .iter()
        .flat_map(|request| header_values(request, "authorization"))
        .collect()
}

// Fifty concurrent calls on clones of one client cause one token request, and all use its token.
#[tokio::test]
async fn fifty_concurrent_calls_fetch_one_token() {
    let server = MockServer::start().await;
    // Slow enough that every call is waiting for the token while it is fetched.
    token_endpoint(
        &server,
        token_answer("tok-1", 7200).set_delay(Duration::from_millis(200)),
        u64::MAX,
    )
    .await;
    api_accepting(&server, "tok-1").await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    let results = join_all((0..50).map(|_| {
        let client = client.clone();
        async move { retrieve(&client).await }
    }))
    .await;

    for result in results {
        assert_eq!(result.expect("each call succeeds").data.id, SEED_ID);
    }
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 1);
    assert_eq!(tokens_sent(&server).await, vec!["Bearer tok-1"; 50]);
}

// The token request POSTs JSON with the grant type, client id, and the secret and scope when set.
#[tokio::test]
async fn the_token_request_carries_the_credentials() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_answer("tok-1", 7200), u64::MAX).await;
    api_accepting(&server, "tok-1").await;

    let with_all = credentials_client(&server, "the-id")
        .client_secret("the-secret")
        .scope("market:code:europe")
        .build()
        .expect("a client");
    retrieve(&with_all).await.expect("authenticated");
    let with_id_only = credentials_client(&server, "the-id")
        .build()
        .expect("a client");
    retrieve(&with_id_only).await.expect("authenticated");

    let requests = received_at(&server, TOKEN_PATH).await;
    let bodies: Vec<Value> = requests
        .iter()
        .map(|request| serde_json::from_slice(&request.body).expect("a JSON body"))
        .collect();
    assert_eq!(
        bodies,
        [
            json!({
                "grant_type": "client_credentials",
                "client_id": "the-id",
                "client_secret": "the-secret",
                "scope": "market:code:europe"
            }),
            json!({ "grant_type": "client_credentials", "client_id": "the-id" }),
        ]
    );
    for request in &requests {
        assert_eq!(header_values(request, "content-type"), ["application/json"]);
        assert_eq!(header_values(request, "accept"), ["application/json"]);
        assert_eq!(
            header_values(request, "authorization"),
            Vec::<String>::new()
        );
    }
}

// An expired token is replaced before the next call; a fresh one is reused.
#[tokio::test]
async fn an_expired_token_is_refreshed_before_the_next_call() {
    let server = MockServer::start().await;
    // Expired on arrival: the next call needs another.
    token_endpoint(&server, token_answer("tok-1", 0), 1).await;
    token_endpoint(&server, token_answer("tok-2", 7200), u64::MAX).await;
    api_accepting(&server, "tok-1").await;
    api_accepting(&server, "tok-2").await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    for _ in 0..3 {
        retrieve(&client).await.expect("authenticated");
    }

    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 2);
    assert_eq!(
        tokens_sent(&server).await,
        ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]
    );
}

// A 401 to a create gets one new token and one more attempt, which creates it.
#[tokio::test]
async fn a_401_refreshes_the_token_and_retries_once() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_answer("tok-revoked", 7200), 1).await;
    token_endpoint(&server, token_answer("tok-2", 7200), u64::MAX).await;
    Mock::given(path("/api/customer_groups"))
        .and(bearer_token("tok-revoked"))
        .respond_with(invalid_token())
        .mount(&server)
        .await;
    Mock::given(path("/api/customer_groups"))
        .and(bearer_token("tok-2"))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    let created = ItemCall::<GenericResource>::create(&client, GROUPS, &json!({ "name": "VIP" }))
        .await
        .expect("the second attempt creates it");

    assert_eq!(created.data.id, SEED_ID);
    let attempts: Vec<(String, Vec<String>)> = received_at(&server, "/api/customer_groups")
        .await
        .iter()
        .map(|r| (r.method.to_string(), header_values(r, "authorization")))
        .collect();
    assert_eq!(
        attempts,
        [
            ("POST".to_string(), vec!["Bearer tok-revoked".to_string()]),
            ("POST".to_string(), vec!["Bearer tok-2".to_string()]),
        ]
    );
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 2);
}

// A 401 to the new token too is the error: one refresh per call, no loop.
#[tokio::test]
async fn a_second_401_is_the_error() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_answer("tok-1", 7200), 1).await;
    token_endpoint(&server, token_answer("tok-2", 7200), u64::MAX).await;
    Mock::given(path(GROUP_PATH))
        .respond_with(invalid_token())
        .mount(&server)
        .await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    let error = DeleteCall::delete(&client, GROUPS, SEED_ID)
        .await
        .expect_err("both tokens are refused");

    assert_eq!(
        error.to_string(),
        "the API answered 401 Unauthorized: The access token you provided is invalid. (INVALID_TOKEN)"
    );
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 2);
    assert_eq!(tokens_sent(&server).await, ["Bearer tok-1", "Bearer tok-2"]);
}

// A 401 to a token given by the caller is the error at once: it cannot be refreshed.
#[tokio::test]
async fn a_401_to_a_fixed_token_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(invalid_token())
        .mount(&server)
        .await;
    let client = Client::new(&format!("{}/api", server.uri()), "fixed").expect("a client");

    let error = retrieve(&client).await.expect_err("the token is refused");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(received(&server).await.len(), 1);
}

// A refused token request is Error::Auth with the endpoint's status, reason and body; the API is never called.
#[tokio::test]
async fn a_refused_token_request_is_an_auth_error() {
    let server = MockServer::start().await;
    let refusal = r#"{"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}"#;
    token_endpoint(
        &server,
        ResponseTemplate::new(401).set_body_raw(refusal, "application/json"),
        u64::MAX,
    )
    .await;
    let client = credentials_client(&server, "unknown")
        .build()
        .expect("a client");

    let error = retrieve(&client).await.expect_err("no token");

    assert_eq!(
        error.to_string(),
        "authentication failed: the token endpoint answered 401 Unauthorized: Client \
         authentication failed due to unknown client, no client authentication included, or \
         unsupported authentication method. (invalid_client)"
    );
    match &error {
        Error::Auth { status, body, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(401));
            assert_eq!(body.as_deref(), Some(refusal));
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }
    assert_eq!(error.body(), Some(refusal));
    assert!(received_at(&server, GROUP_PATH).await.is_empty());
}

// A token endpoint nobody listens on is Error::Auth with no status, naming the endpoint.
#[tokio::test]
async fn an_unreachable_token_endpoint_is_an_auth_error() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };
    let auth_url = format!("http://127.0.0.1:{closed_port}/oauth/token");
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{closed_port}/api"))
        .client_id("client-id")
        .auth_url(&auth_url)
        .build()
        .expect("a client");

    let error = retrieve(&client).await.expect_err("no token");

    assert!(
        matches!(error, Error::Auth { status: None, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "authentication failed: cannot reach the token endpoint {auth_url}: "
        )),
        "{message}"
    );
}

// Callers waiting on a token request that fails share its failure; a later call asks again.
#[tokio::test]
async fn waiting_callers_share_one_failed_token_request() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        ResponseTemplate::new(503).set_delay(Duration::from_millis(200)),
        1,
    )
    .await;
    token_endpoint(&server, token_answer("tok-1", 7200), u64::MAX).await;
    api_accepting(&server, "tok-1").await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    let results = join_all((0..10).map(|_| retrieve(&client).send())).await;

    for result in results {
        let error = result.expect_err("the one token request failed");
        assert!(
            matches!(&error, Error::Auth { status: Some(s), .. } if s.as_u16() == 503),
            "{error:?}"
        );
    }
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 1);
    retrieve(&client).await.expect("a later call gets a token");
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 2);
}

const TOKEN: &str = "tok-SUPERSECRET-given";
const SECRET: &str = "cs-SUPERSECRET-456";
const FETCHED: &str = "jwt-SUPERSECRET-fetched";

/// Asserts neither the Debug nor the Display of `value` shows a secret.
fn assert_no_secret(what: &str, debug: String, display: Option<String>) {
    for text in [Some(debug), display].into_iter().flatten() {
        assert!(!text.contains("SUPERSECRET"), "{what}: {text}");
    }
}

fn assert_error_has_no_secret(what: &str, error: &Error) {
    assert_no_secret(what, format!("{error:?}"), Some(error.to_string()));
    assert_no_secret(what, format!("{error:#?}"), None);
}

// No Debug of a client or builder, and no Debug or Display of any error, shows a token or a secret.
#[tokio::test]
async fn no_debug_or_display_shows_a_token_or_secret() {
    let server = MockServer::start().await;
    // The token endpoint: refuses "echo" (repeating the secret back), answers "broken" with a
    // token in a malformed answer, and gives everyone else FETCHED.
    Mock::given(path(TOKEN_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({ "client_id": "echo" }),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("wrong secret {SECRET}")
        })))
        .mount(&server)
        .await;
    Mock::given(path(TOKEN_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({ "client_id": "broken" }),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": FETCHED, "token_type": "bearer", "expires_in": "soon"
        })))
        .mount(&server)
        .await;
    token_endpoint(&server, token_answer(FETCHED, 7200), u64::MAX).await;
    Mock::given(path("/api/customer_groups/broken"))
        .respond_with(json_api(200, "not json"))
        .mount(&server)
        .await;
    Mock::given(path("/api/customer_groups/html"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<h1>down</h1>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(path(GROUP_PATH))
        .respond_with(invalid_token())
        .mount(&server)
        .await;
    let api = format!("{}/api", server.uri());
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        format!("http://{}/api", listener.local_addr().expect("its address"))
    };
    let with_token = || {
        Client::builder()
            .base_url(&api)
            .access_token(TOKEN)
            .max_retries(0)
    };
    let with_secret = |id: &str| {
        credentials_client(&server, id)
            .client_secret(SECRET)
            .scope("market:all")
            .max_retries(0)
    };

    for (what, builder) in [("token", with_token()), ("secret", with_secret("ok"))] {
        assert_no_secret(&format!("{what} builder"), format!("{builder:?}"), None);
        let client = builder.build().expect("a client");
        assert_no_secret(&format!("{what} client"), format!("{client:?}"), None);
        // A call holds the client: its Debug must not show the token either.
        assert_no_secret("call", format!("{:?}", retrieve(&client)), None);
        retrieve(&client).await.expect_err("refused by the API");
        assert_no_secret(
            &format!("{what} client, used"),
            format!("{client:#?}"),
            None,
        );
    }

    let token_client = with_token().build().expect("a client");
    let secret_client = with_secret("ok").build().expect("a client");
    let mut errors = Vec::new();
    for client in [&token_client, &secret_client] {
        errors.push(("Api", retrieve(client).await.expect_err("401")));
        errors.push((
            "UnexpectedResponse",
            ItemCall::<GenericResource>::retrieve(client, GROUPS, "html")
                .await
                .expect_err("502"),
        ));
        errors.push((
            "Decode",
            ItemCall::<GenericResource>::retrieve(client, GROUPS, "broken")
                .await
                .expect_err("not JSON"),
        ));
        errors.push((
            "InvalidRequest",
            ItemCall::<GenericResource>::retrieve(client, GROUPS, "..")
                .await
                .expect_err(".."),
        ));
    }
    let unreachable = Client::builder()
        .base_url(&closed)
        .access_token(TOKEN)
        .max_retries(0)
        .build()
        .expect("a client");
    errors.push((
        "Transport",
        retrieve(&unreachable).await.expect_err("nothing listens"),
    ));
    errors.push((
        "Config",
        Client::builder()
            .base_url(&api)
            .access_token(format!("{TOKEN}\n"))
            .build()
            .expect_err("a newline cannot be in a header"),
    ));
    errors.push((
        "Config",
        Client::builder()
            .base_url(&api)
            .access_token(TOKEN)
            .client_id("id")
            .client_secret(SECRET)
            .build()
            .expect_err("both a token and credentials"),
    ));
    errors.push((
        "Auth",
        retrieve(&with_secret("echo").build().expect("a client"))
            .await
            .expect_err("the secret is refused"),
    ));
    errors.push((
        "Auth",
        retrieve(&with_secret("broken").build().expect("a client"))
            .await
            .expect_err("the token answer is malformed"),
    ));

    let kinds: Vec<&str> = errors
        .iter()
        .map(|(kind, error)| {
            let actual = match error {
                Error::Api { .. } => "Api",
                Error::UnexpectedResponse { .. } => "UnexpectedResponse",
                Error::Decode { .. } => "Decode",
                Error::Transport { .. } => "Transport",
                Error::InvalidRequest { .. } => "InvalidRequest",
                Error::Config { .. } => "Config",
                Error::Auth { .. } => "Auth",
                _ => "other",
            };
            assert_eq!(*kind, actual, "{error:?}");
            assert_error_has_no_secret(kind, error);
            actual
        })
        .collect();
    assert_eq!(kinds.len(), 13);
    // The echoed secret was there to be removed.
    let echoed = &errors[11].1;
    assert!(
        echoed.to_string().contains("wrong secret <redacted>"),
        "{echoed}"
    );
    assert!(
        echoed
            .body()
            .is_some_and(|body| body.contains("<redacted>")),
        "{echoed:?}"
    );
}
