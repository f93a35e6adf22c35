//! Everything the API takes or gives comes from this crate: headers for `.header(...)`, the
//! `StatusCode` of `Error::status()`, `StreamExt` for `.stream()`, serde_json's `json!`, `Map`
//! and `Value`. This file names no other crate in its use of the client (the server is
//! wiremock's).
#![cfg(feature = "customer_groups")]

mod common;

use commercelayer::customer_groups::{CustomerGroup, CustomerGroupCreate};
use commercelayer::{
    HeaderName, HeaderValue, ItemCall, Map, Method, StatusCode, StreamExt, TryStreamExt, Value,
    json,
};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{SEED_RESPONSE, client_for, group, json_api, page_document};

// A user's first calls need no other crate than this one.
#[tokio::test]
async fn the_api_needs_no_other_crate() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(
            200,
            page_document(vec![group("g1", "VIP"), group("g2", "Gold")], 1, 1, 2),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let names: Vec<String> = client
        .customer_groups()
        .list()
        .header(
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_static("req-1"),
        )
        .stream()
        .map(|group| group.map(|group: CustomerGroup| group.id))
        .try_collect()
        .await
        .expect("two groups");
    assert_eq!(names, ["g1", "g2"]);

    let mut metadata: Map<String, Value> = Map::new();
    metadata.insert("tier".to_string(), json!("gold"));
    let created = client
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP").metadata(metadata))
        .await
        .expect("created");
    assert_eq!(created.data.id, common::SEED_ID);

    let error = ItemCall::<CustomerGroup>::create(&client, "missing", &json!({ "name": "x" }))
        .header(
            HeaderName::from_static("idempotency-key"),
            HeaderValue::from_static("k"),
        )
        .await
        .expect_err("a 404");
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error.request().map(|r| r.method()), Some(&Method::POST));
}
