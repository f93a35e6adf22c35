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

use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use common::{ACCESS_TOKEN, SEED_REQUEST, SEED_RESPONSE, assert_write, json_api, only_request};
use example::{Target, run};

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
                "/api (set COMMERCELAYER_BASE_URL and COMMERCELAYER_ACCESS_TOKEN to use a real one)"
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
        access_token: ACCESS_TOKEN.to_string(),
    };
    let mut out = Vec::new();

    let error = run(target, &mut out)
        .await
        .expect_err("the API refuses the token");

    assert_eq!(
        error.to_string(),
        "the API answered 401 Unauthorized: The access token is invalid (INVALID_TOKEN)"
    );
    assert_eq!(
        String::from_utf8(out).expect("UTF-8 output"),
        format!("using the Commerce Layer API at {base_url}\n")
    );
    assert_write(
        &only_request(&server).await,
        "POST",
        "/api/customer_groups",
        None,
        SEED_REQUEST,
    );
}

// Only both variables, each non-empty, name a real API; anything less means the stand-in.
#[test]
fn the_example_uses_a_real_api_only_when_both_variables_are_set() {
    let url = || Some("https://acme.commercelayer.io/api".to_string());
    let token = || Some("a-token".to_string());
    let empty = || Some(String::new());

    assert!(matches!(
        Target::from_vars(url(), token()),
        Target::Api { base_url, access_token }
            if base_url == "https://acme.commercelayer.io/api" && access_token == "a-token"
    ));
    for (case, base_url, access_token) in [
        ("neither", None, None),
        ("no token", url(), None),
        ("no base URL", None, token()),
        ("empty base URL", empty(), token()),
        ("empty token", url(), empty()),
    ] {
        assert!(
            matches!(Target::from_vars(base_url, access_token), Target::StandIn),
            "{case}"
        );
    }
}

// The stand-in serves the documented request and response unchanged.
#[test]
fn the_stand_in_serves_the_documented_exchange() {
    assert_eq!(example::DOCUMENTED_REQUEST, SEED_REQUEST);
    assert_eq!(example::DOCUMENTED_RESPONSE, SEED_RESPONSE);
}
