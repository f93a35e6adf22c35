//! The `create_customer_group` example, run in-process.
//!
//! Cargo gives integration tests no path to example binaries (`CARGO_BIN_EXE_*` is for
//! `[[bin]]` targets only), and building one with `cargo run` from a test is slow and racy. So
//! the example's file is compiled into this test as a module, and the tests drive its `run`
//! and `Target` directly: the very code the example runs, all but `main`, which only prints
//! the error and picks the exit status.

mod common;

#[path = "../examples/create_customer_group.rs"]
#[allow(dead_code)] // its `main` runs only as the example binary
mod example;

use serde_json::{Value, json};
use wiremock::matchers::{any, bearer_token, method, path};
use wiremock::{Mock, MockServer};

use common::{
    ACCESS_TOKEN, SEED_REQUEST, SEED_RESPONSE, TOKEN_PATH, assert_write, json_api, only_request,
    received_at, token_answer,
};
use example::{Auth, Target, Vars, run};

// With no real API named, the example creates VIP on the stand-in, says so, and prints every value of the documented answer.
#[tokio::test]
async fn the_example_creates_vip_on_the_stand_in_and_prints_it() {
    let mut out = Vec::new();

    run(Target::StandIn, &mut out)
        .await
        .expect("the stand-in accepts the example's request");

    let out = String::from_utf8(out).expect("UTF-8 output");
    let (first_line, group) = out.split_once('\n').expect("several lines");
    assert!(
        first_line.starts_with("using a local stand-in for the API at http://127.0.0.1:")
            && first_line.ends_with(
                "/api (set COMMERCELAYER_BASE_URL and COMMERCELAYER_CLIENT_ID or \
                 COMMERCELAYER_ACCESS_TOKEN to use a real one)"
            ),
        "{first_line}"
    );
    assert_eq!(
        group,
        "created customer group xYZkjABcde
  name:             VIP
  code:             -
  reference:        ANY-EXTERNAL-REFEFERNCE
  reference_origin: ANY-EXTERNAL-REFEFERNCE-ORIGIN
  metadata:         {\"foo\":\"bar\"}
  created_at:       2018-01-01 12:00:00 UTC
  updated_at:       2018-01-01 12:00:00 UTC
  mode:             test
  url:              https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde
"
    );
}

// With a real API named, the example says so, sends it the documented request, and returns its refusal as the error.
#[tokio::test]
async fn the_example_uses_the_named_api_and_returns_its_refusal() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(
            401,
            r#"{"errors":[{"title":"Unauthorized","detail":"The access token is invalid","code":"INVALID_TOKEN","status":"401"}]}"#,
        ))
        .mount(&server)
        .await;
    let base_url = format!("{}/api", server.uri());
    let target = Target::Api {
        base_url: base_url.clone(),
        auth: Auth::AccessToken(ACCESS_TOKEN.to_string()),
    };
    let mut out = Vec::new();

    let error = run(target, &mut out)
        .await
        .expect_err("the API refuses the token");

    assert_eq!(
        error.to_string(),
        "POST /api/customer_groups: the API answered 401 Unauthorized: The access token is \
         invalid (INVALID_TOKEN)"
    );
    assert_eq!(
        String::from_utf8(out).expect("UTF-8 output"),
        format!("using the Commerce Layer API at {base_url} with an access token\n")
    );
    assert_write(
        &only_request(&server).await,
        "POST",
        "/api/customer_groups",
        None,
        SEED_REQUEST,
    );
}

// With client credentials, the example fetches a token from the named endpoint and creates VIP with it.
#[tokio::test]
async fn the_example_authenticates_with_client_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("fetched-token", 7200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .and(bearer_token("fetched-token"))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;
    let base_url = format!("{}/api", server.uri());
    let target = Target::from_vars(Vars {
        base_url: Some(base_url.clone()),
        access_token: Some("ignored-when-a-client-id-is-set".to_string()),
        client_id: Some("the-client-id".to_string()),
        client_secret: Some("the-client-secret".to_string()),
        scope: Some("market:code:europe".to_string()),
        auth_url: Some(format!("{}{TOKEN_PATH}", server.uri())),
    });
    let mut out = Vec::new();

    run(target, &mut out)
        .await
        .expect("the fetched token is accepted");

    let out = String::from_utf8(out).expect("UTF-8 output");
    assert!(
        out.starts_with(&format!(
            "using the Commerce Layer API at {base_url} with client credentials\n\
             created customer group xYZkjABcde\n"
        )),
        "{out}"
    );
    let token_requests = received_at(&server, TOKEN_PATH).await;
    assert_eq!(token_requests.len(), 1);
    let body: Value = serde_json::from_slice(&token_requests[0].body).expect("a JSON body");
    assert_eq!(
        body,
        json!({
            "grant_type": "client_credentials",
            "client_id": "the-client-id",
            "client_secret": "the-client-secret",
            "scope": "market:code:europe"
        })
    );
    assert_eq!(received_at(&server, "/api/customer_groups").await.len(), 1);
}

// A base URL with a client id (preferred) or a token, each non-empty, names a real API; anything less means the stand-in.
#[test]
fn the_example_uses_a_real_api_only_when_a_base_url_and_credentials_are_set() {
    let some = |value: &str| Some(value.to_string());
    let url = "https://acme.commercelayer.io/api";

    let with_token = Vars {
        base_url: some(url),
        access_token: some("a-token"),
        ..Vars::default()
    };
    assert!(matches!(
        Target::from_vars(with_token),
        Target::Api { base_url, auth: Auth::AccessToken(token) } if base_url == url && token == "a-token"
    ));

    let with_client_id = Vars {
        base_url: some(url),
        access_token: some("a-token"),
        client_id: some("an-id"),
        client_secret: some(""),
        scope: some("market:all"),
        ..Vars::default()
    };
    assert!(matches!(
        Target::from_vars(with_client_id),
        Target::Api {
            auth: Auth::ClientCredentials { client_id, client_secret: None, scope: Some(scope), auth_url: None },
            ..
        } if client_id == "an-id" && scope == "market:all"
    ));

    for (case, vars) in [
        ("nothing", Vars::default()),
        (
            "no credentials",
            Vars {
                base_url: some(url),
                ..Vars::default()
            },
        ),
        (
            "no base URL",
            Vars {
                access_token: some("a-token"),
                client_id: some("an-id"),
                ..Vars::default()
            },
        ),
        (
            "empty base URL",
            Vars {
                base_url: some(""),
                access_token: some("a-token"),
                ..Vars::default()
            },
        ),
        (
            "empty token",
            Vars {
                base_url: some(url),
                access_token: some(""),
                ..Vars::default()
            },
        ),
        (
            "empty client id",
            Vars {
                base_url: some(url),
                client_id: some(""),
                ..Vars::default()
            },
        ),
        (
            "only a secret",
            Vars {
                base_url: some(url),
                client_secret: some("s"),
                ..Vars::default()
            },
        ),
    ] {
        assert!(matches!(Target::from_vars(vars), Target::StandIn), "{case}");
    }
}

// The stand-in serves the documented request and response unchanged.
#[test]
fn the_stand_in_serves_the_documented_exchange() {
    assert_eq!(example::DOCUMENTED_REQUEST, SEED_REQUEST);
    assert_eq!(example::DOCUMENTED_RESPONSE, SEED_RESPONSE);
}
