//! The `create_customer_group` example, run in-process.
//!
//! Cargo gives integration tests no path to example binaries (`CARGO_BIN_EXE_*` is for
//! `[[bin]]` targets only), and building one with `cargo run` from a test is slow and racy. So
//! the example's file is compiled into this test as a module, and the tests drive its
//! `run_with_env`, `run` and `Target` directly, with the environment given as name-value pairs:
//! the very code the example runs, all but `main`, which only passes it the process's
//! environment, prints the error and picks the exit status.

mod common;

#[path = "../examples/create_customer_group.rs"]
#[allow(dead_code)] // its `main` runs only as the example binary
mod example;

use std::ffi::OsString;

use serde_json::{Value, json};
use wiremock::matchers::{any, bearer_token, method, path};
use wiremock::{Mock, MockServer};

use common::{
    ACCESS_TOKEN, SEED_REQUEST, SEED_RESPONSE, TOKEN_PATH, assert_write, json_api, only_request,
    received, received_at, token_answer,
};
use example::{Auth, Target, Vars, run, run_with_env};

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

    // The error may name the request first ("POST /api/customer_groups: ..."); what matters
    // here is that it is the API's refusal, passed on.
    let error = error.to_string();
    assert!(
        error.ends_with(
            "the API answered 401 Unauthorized: The access token is invalid (INVALID_TOKEN)"
        ),
        "{error}"
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
        ..Vars::default()
    })
    .expect("a complete configuration");
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

/// An environment of `(name, value)` pairs.
fn env(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
    pairs
        .iter()
        .map(|&(name, value)| (name.into(), value.into()))
        .collect()
}

/// The target an environment names, or the error it gives.
fn target(pairs: &[(&str, &str)]) -> Result<Target, String> {
    Vars::from_pairs(env(pairs)).and_then(Target::from_vars)
}

const URL: &str = "https://acme.commercelayer.io/api";

// A base URL with a client id (preferred) or a token names a real API.
#[test]
fn a_base_url_with_credentials_names_a_real_api() {
    let with_token = target(&[
        ("COMMERCELAYER_BASE_URL", URL),
        ("COMMERCELAYER_ACCESS_TOKEN", "a-token"),
    ]);
    assert!(matches!(
        with_token,
        Ok(Target::Api { base_url, auth: Auth::AccessToken(token) }) if base_url == URL && token == "a-token"
    ));

    let with_client_id = target(&[
        ("COMMERCELAYER_BASE_URL", URL),
        ("COMMERCELAYER_ACCESS_TOKEN", "a-token"),
        ("COMMERCELAYER_CLIENT_ID", "an-id"),
        ("COMMERCELAYER_CLIENT_SECRET", ""),
        ("COMMERCELAYER_SCOPE", "market:all"),
    ]);
    assert!(matches!(
        with_client_id,
        Ok(Target::Api {
            auth: Auth::ClientCredentials { client_id, client_secret: None, scope: Some(scope), auth_url: None },
            ..
        }) if client_id == "an-id" && scope == "market:all"
    ));
}

// With no COMMERCELAYER_* variable set (empty ones count as unset), the stand-in is used; other variables do not matter.
#[test]
fn no_variable_means_the_stand_in() {
    for (case, pairs) in [
        ("nothing", &[][..]),
        (
            "other variables",
            &[("HOME", "/root"), ("COMMERCE", "x")][..],
        ),
        (
            "empty variables",
            &[
                ("COMMERCELAYER_BASE_URL", ""),
                ("COMMERCELAYER_ACCESS_TOKEN", ""),
                ("COMMERCELAYER_ACESS_TOKEN", ""),
            ][..],
        ),
    ] {
        assert!(matches!(target(pairs), Ok(Target::StandIn)), "{case}");
    }
    let empty = Vars {
        base_url: Some(String::new()),
        access_token: Some(String::new()),
        ..Vars::default()
    };
    assert!(matches!(Target::from_vars(empty), Ok(Target::StandIn)));
}

// Half a configuration is an error saying what is missing; it never falls back to the stand-in.
#[test]
fn half_a_configuration_is_an_error_naming_what_is_missing() {
    let advice =
        "; set what is missing, or unset every COMMERCELAYER_* variable to use the local stand-in";
    for (pairs, problems) in [
        (
            &[("COMMERCELAYER_BASE_URL", URL)][..],
            "neither COMMERCELAYER_CLIENT_ID nor COMMERCELAYER_ACCESS_TOKEN is set (one is needed to authenticate)",
        ),
        (
            &[("COMMERCELAYER_ACCESS_TOKEN", "a-token")][..],
            "COMMERCELAYER_BASE_URL is not set (such as https://acme.commercelayer.io/api)",
        ),
        (
            &[
                ("COMMERCELAYER_CLIENT_ID", "an-id"),
                ("COMMERCELAYER_CLIENT_SECRET", "a-secret"),
            ][..],
            "COMMERCELAYER_BASE_URL is not set (such as https://acme.commercelayer.io/api)",
        ),
        (
            &[
                ("COMMERCELAYER_BASE_URL", URL),
                ("COMMERCELAYER_CLIENT_SECRET", "a-secret"),
            ][..],
            "COMMERCELAYER_CLIENT_SECRET is set but COMMERCELAYER_CLIENT_ID is not (they go with client credentials)",
        ),
        (
            &[
                ("COMMERCELAYER_BASE_URL", URL),
                ("COMMERCELAYER_ACCESS_TOKEN", "a-token"),
                ("COMMERCELAYER_SCOPE", "market:all"),
                ("COMMERCELAYER_AUTH_URL", "https://auth.example/oauth/token"),
            ][..],
            "COMMERCELAYER_SCOPE and COMMERCELAYER_AUTH_URL are set but COMMERCELAYER_CLIENT_ID is not (they go with client credentials)",
        ),
        (
            &[("COMMERCELAYER_SCOPE", "market:all")][..],
            "COMMERCELAYER_BASE_URL is not set (such as https://acme.commercelayer.io/api); \
             COMMERCELAYER_SCOPE is set but COMMERCELAYER_CLIENT_ID is not (they go with client credentials)",
        ),
    ] {
        let Err(error) = target(pairs) else {
            panic!("{pairs:?} named a target");
        };
        assert_eq!(
            error,
            format!("the COMMERCELAYER_* variables do not name a usable API: {problems}{advice}")
        );
        assert!(
            !error.contains("a-token") && !error.contains("a-secret"),
            "{error}"
        );
    }
}

// A COMMERCELAYER_* variable the example does not read (a misspelling, in any case) is an error, with a suggestion when one is close, even beside a complete configuration.
#[test]
fn a_misspelled_variable_is_an_error() {
    let complete = [
        ("COMMERCELAYER_BASE_URL", URL),
        ("COMMERCELAYER_ACCESS_TOKEN", "a-token"),
    ];
    for (name, problem) in [
        (
            "COMMERCELAYER_ACESS_TOKEN",
            "COMMERCELAYER_ACESS_TOKEN is not a variable the example reads (did you mean COMMERCELAYER_ACCESS_TOKEN?)",
        ),
        (
            "commercelayer_client_id",
            "commercelayer_client_id is not a variable the example reads (did you mean COMMERCELAYER_CLIENT_ID?)",
        ),
        (
            "COMMERCELAYER_ORGANIZATION",
            "COMMERCELAYER_ORGANIZATION is not a variable the example reads",
        ),
    ] {
        let mut pairs = complete.to_vec();
        pairs.push((name, "the-value"));
        let Err(error) = target(&pairs) else {
            panic!("{name} was accepted");
        };
        assert!(
            error.starts_with(&format!(
                "the COMMERCELAYER_* variables do not name a usable API: {problem}; "
            )),
            "{error}"
        );
        assert!(!error.contains("the-value"), "{error}");
    }

    // Alone, the misspelled token is reported with what is missing.
    let Err(error) = target(&[("COMMERCELAYER_ACESS_TOKEN", "a-token")]) else {
        panic!("a misspelled token was accepted");
    };
    assert!(
        error.starts_with(
            "the COMMERCELAYER_* variables do not name a usable API: \
             COMMERCELAYER_ACESS_TOKEN is not a variable the example reads (did you mean COMMERCELAYER_ACCESS_TOKEN?); \
             COMMERCELAYER_BASE_URL is not set (such as https://acme.commercelayer.io/api); \
             neither COMMERCELAYER_CLIENT_ID nor COMMERCELAYER_ACCESS_TOKEN is set"
        ),
        "{error}"
    );
}

// A value that is not UTF-8 is an error naming the variable, not an unset variable.
#[cfg(unix)]
#[test]
fn a_value_that_is_not_utf8_is_an_error() {
    use std::os::unix::ffi::OsStringExt;

    let pairs = [
        ("COMMERCELAYER_BASE_URL".into(), URL.into()),
        (
            "COMMERCELAYER_ACCESS_TOKEN".into(),
            OsString::from_vec(vec![0x61, 0xff, 0x62]),
        ),
    ];
    let Err(error) = Vars::from_pairs(pairs) else {
        panic!("a value that is not UTF-8 was read");
    };
    assert_eq!(error, "COMMERCELAYER_ACCESS_TOKEN is not valid UTF-8");
}

// With only a base URL set, the example fails before sending anything, and does not start the stand-in.
#[tokio::test]
async fn a_base_url_alone_sends_nothing_and_starts_no_stand_in() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;
    let base_url = format!("{}/api", server.uri());
    let mut out = Vec::new();

    let error = run_with_env(env(&[("COMMERCELAYER_BASE_URL", &base_url)]), &mut out)
        .await
        .expect_err("a base URL alone is half a configuration");

    assert!(
        error
            .to_string()
            .contains("neither COMMERCELAYER_CLIENT_ID nor COMMERCELAYER_ACCESS_TOKEN is set"),
        "{error}"
    );
    assert_eq!(String::from_utf8(out).expect("UTF-8 output"), "");
    assert_eq!(received(&server).await.len(), 0);
}

// The environment's variables reach the client: a base URL and a token send the documented request there with that token.
#[tokio::test]
async fn the_environment_names_the_api_and_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .and(bearer_token(ACCESS_TOKEN))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;
    let base_url = format!("{}/api", server.uri());
    let mut out = Vec::new();

    run_with_env(
        env(&[
            ("PATH", "/usr/bin"),
            ("COMMERCELAYER_BASE_URL", &base_url),
            ("COMMERCELAYER_ACCESS_TOKEN", ACCESS_TOKEN),
        ]),
        &mut out,
    )
    .await
    .expect("the API accepts the token");

    let out = String::from_utf8(out).expect("UTF-8 output");
    assert!(
        out.starts_with(&format!(
            "using the Commerce Layer API at {base_url} with an access token\n\
             created customer group xYZkjABcde\n"
        )),
        "{out}"
    );
    assert_write(
        &only_request(&server).await,
        "POST",
        "/api/customer_groups",
        None,
        SEED_REQUEST,
    );
}

// The stand-in serves the documented request and response unchanged.
#[test]
fn the_stand_in_serves_the_documented_exchange() {
    assert_eq!(example::DOCUMENTED_REQUEST, SEED_REQUEST);
    assert_eq!(example::DOCUMENTED_RESPONSE, SEED_RESPONSE);
}
