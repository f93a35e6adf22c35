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
    // A one-second token, refreshed early from 0.9 s on.
    token_endpoint(&server, token_answer("tok-1", 1), 1).await;
    token_endpoint(&server, token_answer("tok-2", 7200), u64::MAX).await;
    api_accepting(&server, "tok-1").await;
    api_accepting(&server, "tok-2").await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    retrieve(&client).await.expect("authenticated");
    // Let the first token's lifetime pass.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..2 {
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
        "DELETE /api/customer_groups/xYZkjABcde: the API answered 401 Unauthorized: \
         The access token you provided is invalid. (INVALID_TOKEN)"
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

// A refused token request is Error::Auth naming the grant, with the endpoint's status, reason and body; the API is never called.
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
        "GET /api/customer_groups/xYZkjABcde: authentication failed: client credentials \
         grant: the token endpoint answered 401 Unauthorized: Client \
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
            "GET /api/customer_groups/xYZkjABcde: authentication failed: client credentials \
             grant: cannot reach the token endpoint {auth_url}: "
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

// A token endpoint giving no usable lifetime (zero or negative): a hundred concurrent calls
// cause one token request, and the calls after them reuse the token too.
#[tokio::test]
async fn a_token_without_a_usable_lifetime_is_fetched_once() {
    for expires_in in [json!(0), json!(-30), json!(-1.5)] {
        let server = MockServer::start().await;
        let answer = ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": "tok-1", "token_type": "bearer", "expires_in": expires_in
            }))
            .set_delay(Duration::from_millis(200));
        token_endpoint(&server, answer, u64::MAX).await;
        api_accepting(&server, "tok-1").await;
        let client = credentials_client(&server, "client-id")
            .build()
            .expect("a client");

        let results = join_all((0..100).map(|_| {
            let client = client.clone();
            async move { retrieve(&client).await }
        }))
        .await;
        for _ in 0..5 {
            retrieve(&client).await.expect("a later call");
        }

        for result in results {
            result.expect("each call succeeds");
        }
        assert_eq!(
            received_at(&server, TOKEN_PATH).await.len(),
            1,
            "expires_in {expires_in}"
        );
        assert_eq!(tokens_sent(&server).await.len(), 105);
    }
}

// A token whose lifetime is over by the time it arrives still serves every call that waited
// for it: one token request, not one per waiting call.
#[tokio::test]
async fn a_token_just_fetched_serves_the_calls_that_waited_for_it() {
    let server = MockServer::start().await;
    // One second of lifetime, delivered after a second and a half.
    token_endpoint(
        &server,
        token_answer("tok-1", 1).set_delay(Duration::from_millis(1500)),
        u64::MAX,
    )
    .await;
    api_accepting(&server, "tok-1").await;
    let client = credentials_client(&server, "client-id")
        .build()
        .expect("a client");

    let results = join_all((0..20).map(|_| retrieve(&client).send())).await;

    for result in results {
        result.expect("each call succeeds");
    }
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 1);
}

// A token endpoint that redirects (to another origin) is not followed: the client secret is
// sent once, to the endpoint configured, and the error carries the status and Location.
#[tokio::test]
async fn a_redirecting_token_endpoint_is_not_followed() {
    let elsewhere = MockServer::start().await;
    token_endpoint(&elsewhere, token_answer("stolen", 7200), u64::MAX).await;
    let target = format!("{}{TOKEN_PATH}", elsewhere.uri());
    for status in [301, 302, 303, 307, 308] {
        let server = MockServer::start().await;
        token_endpoint(
            &server,
            ResponseTemplate::new(status).insert_header("location", target.as_str()),
            u64::MAX,
        )
        .await;
        let client = credentials_client(&server, "client-id")
            .client_secret(SECRET)
            .build()
            .expect("a client");

        let error = retrieve(&client).await.expect_err("no token");

        match &error {
            Error::Auth {
                status: got,
                location,
                ..
            } => {
                assert_eq!(got.map(|s| s.as_u16()), Some(status));
                assert_eq!(location.as_deref(), Some(target.as_str()));
            }
            other => panic!("{status}: {other:?}"),
        }
        assert_eq!(error.location(), Some(target.as_str()));
        assert!(
            error.to_string().contains("the client follows no redirect"),
            "{error}"
        );
        assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 1);
        assert!(received_at(&server, GROUP_PATH).await.is_empty());
    }
    assert!(
        received(&elsewhere).await.is_empty(),
        "the client secret never reached the other origin"
    );
}

// A token endpoint streaming an endless answer is cut at the cap, with an error naming it.
#[tokio::test]
async fn a_token_answer_past_the_cap_is_refused() {
    const SENT: u64 = 64 * 1024 * 1024;
    let server = common::StreamingServer::start("200 OK", "", b' ', SENT).await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.base))
        .auth_url(format!("{}{TOKEN_PATH}", server.base))
        .client_id("client-id")
        .max_response_size(64 * 1024)
        .build()
        .expect("a client");

    let error = retrieve(&client).await.expect_err("no token");

    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    assert!(
        error.to_string().contains(
            "the token endpoint's 200 OK answer is larger than 64 KiB (65536 bytes), the most \
             the client reads"
        ),
        "{error}"
    );
    assert_eq!(server.requests(), 1, "the API was never called");
    assert!(server.written() < SENT / 2, "{}", server.written());
}

/// A secret as a server could echo it: raw, in a JSON string (with `\/` too, and all
/// `\uXXXX`), percent-encoded (either case, `+` for spaces), and as HTML references.
fn encodings(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).expect("JSON");
    let json = json[1..json.len() - 1].to_string();
    let mut all_u = String::new();
    for unit in secret.encode_utf16() {
        all_u.push_str(&format!("\\u{unit:04x}"));
    }
    let percent = |upper: bool, plus: bool| {
        let mut out = String::new();
        for byte in secret.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                out.push(byte as char);
            } else if byte == b' ' && plus {
                out.push('+');
            } else if upper {
                out.push_str(&format!("%{byte:02X}"));
            } else {
                out.push_str(&format!("%{byte:02x}"));
            }
        }
        out
    };
    let all_percent: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
    let html: String = secret
        .chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            c => format!("&#{};", c as u32),
        })
        .collect();
    let mut forms = vec![
        secret.to_string(),
        json.clone(),
        json.replace('/', "\\/"),
        all_u,
        percent(true, false),
        percent(false, false),
        percent(true, true),
        all_percent,
        html,
    ];
    forms.dedup();
    forms
}

/// Asserts that no text of `error` (Display, Debug, body, error objects) holds any form of
/// `secrets`, and that something was redacted.
fn assert_scrubbed(what: &str, error: &Error, secrets: &[&str]) {
    let mut texts = vec![error.to_string()];
    texts.extend(error.body().map(str::to_string));
    texts.extend(error.location().map(str::to_string));
    for api_error in error.api_errors() {
        texts.extend(api_error.title.clone());
        texts.extend(api_error.detail.clone());
        texts.extend(api_error.code.clone());
        texts.extend(api_error.source.as_ref().and_then(|s| s.pointer.clone()));
        texts.extend(
            api_error
                .meta
                .as_ref()
                .map(|m| Value::Object(m.clone()).to_string()),
        );
    }
    let debug = [format!("{error:?}"), format!("{error:#?}")];
    for secret in secrets {
        for form in encodings(secret) {
            for text in &texts {
                assert!(!text.contains(&form), "{what}: {form:?} in {text}");
            }
        }
        for text in &debug {
            assert!(!text.contains("SUPERSECRET"), "{what}: {text}");
            let all_percent: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
            assert!(!text.contains(&all_percent), "{what}: {text}");
        }
    }
    assert!(
        texts.iter().any(|text| text.contains("<redacted>")),
        "{what}: nothing was redacted in {texts:?}"
    );
}

/// Every form of each secret, as one text and as a JSON:API errors document echoing them.
fn echoes(secrets: &[&str]) -> (String, String) {
    let forms: Vec<String> = secrets.iter().flat_map(|s| encodings(s)).collect();
    let text = forms.join(" | ");
    let document = json!({ "errors": [{
        "title": forms.join(" "),
        "detail": format!("invalid token {text}"),
        "code": forms[0],
        "source": { "pointer": forms.last() },
        "meta": { "echo": forms, "nested": { "again": text } }
    }]});
    (text, document.to_string())
}

/// A server whose API echoes every form of `secrets` in a JSON:API errors document
/// (`/json`), a text body and its Content-Type (`/text`) and a redirect's Location
/// (`/redirect`); and whose token
/// endpoint refuses client "echo" (an OAuth error) and "echo-jsonapi" (an errors document),
/// echoing `client_secret`, and gives `token` to anyone else.
async fn echoing_server(secrets: &[&str], client_secret: &str, token: &str) -> MockServer {
    let server = MockServer::start().await;
    let (text, document) = echoes(secrets);
    Mock::given(path("/api/customer_groups/json"))
        .respond_with(json_api(401, document))
        .mount(&server)
        .await;
    let pct: String = secrets[0].bytes().map(|b| format!("%{b:02x}")).collect();
    Mock::given(path("/api/customer_groups/text"))
        .respond_with(
            ResponseTemplate::new(400).set_body_raw(text, &format!("text/plain; echo={pct}")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/customer_groups/redirect"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("https://x.test/?t={pct}")),
        )
        .mount(&server)
        .await;
    let (text, document) = echoes(&[client_secret]);
    Mock::given(path(TOKEN_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({ "client_id": "echo" }),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("wrong secret {text}")
        })))
        .mount(&server)
        .await;
    Mock::given(path(TOKEN_PATH))
        .and(wiremock::matchers::body_partial_json(
            json!({ "client_id": "echo-jsonapi" }),
        ))
        .respond_with(json_api(401, document))
        .mount(&server)
        .await;
    token_endpoint(&server, token_answer(token, 7200), u64::MAX).await;
    server
}

// An answer echoing the bearer token (given, or fetched) or the client secret, in any
// encoding, has it replaced in every text of the error: Display, Debug, body, error objects,
// Location.
#[tokio::test]
async fn echoed_tokens_and_secrets_are_scrubbed_in_every_encoding() {
    const GIVEN: &str = "SUPERSECRET/g1ven+tok\"en&<x>";
    const FETCHED_TOKEN: &str = "SUPERSECRET.fetched/tok+en==";
    const CLIENT_SECRET: &str = "SUPERSECRET-s€c/r\"et +&=?";

    let server = echoing_server(&[GIVEN], CLIENT_SECRET, FETCHED_TOKEN).await;
    let given = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(GIVEN)
        .max_retries(0)
        .build()
        .expect("a client");
    for id in ["json", "text", "redirect"] {
        let error = ItemCall::<GenericResource>::retrieve(&given, GROUPS, id)
            .await
            .expect_err("refused");
        assert_scrubbed(&format!("given token, {id}"), &error, &[GIVEN]);
    }

    let server = echoing_server(
        &[FETCHED_TOKEN, CLIENT_SECRET],
        CLIENT_SECRET,
        FETCHED_TOKEN,
    )
    .await;
    let fetched = credentials_client(&server, "ok")
        .client_secret(CLIENT_SECRET)
        .max_retries(0)
        .build()
        .expect("a client");
    for id in ["json", "text", "redirect"] {
        let error = ItemCall::<GenericResource>::retrieve(&fetched, GROUPS, id)
            .await
            .expect_err("refused");
        assert_scrubbed(
            &format!("fetched token, {id}"),
            &error,
            &[FETCHED_TOKEN, CLIENT_SECRET],
        );
    }
    for id in ["echo", "echo-jsonapi"] {
        let client = credentials_client(&server, id)
            .client_secret(CLIENT_SECRET)
            .build()
            .expect("a client");
        let error = retrieve(&client).await.expect_err("refused");
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert_scrubbed(id, &error, &[CLIENT_SECRET]);
    }
}
