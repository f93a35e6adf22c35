//! Polymorphic values (a line item's `item`, which may be a SKU, a bundle, a shipment...)
//! decode into their variant, and a decoding error inside one names its full path, in `data`
//! or in `included`, as every other decoding error does.
#![cfg(all(feature = "line_items", feature = "skus"))]

mod common;

use commercelayer::Error;
use commercelayer::line_items::LineItemItem;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use common::{client_for, json_api};

/// A SKU resource object created at `created_at`.
fn sku(id: &str, created_at: &str) -> Value {
    json!({
        "id": id,
        "type": "skus",
        "attributes": { "code": "TSHIRT", "created_at": created_at },
        "meta": { "mode": "test" }
    })
}

async fn answering(body: String) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(200, body))
        .mount(&server)
        .await;
    server
}

// A line item's item decodes as the variant its type names.
#[tokio::test]
async fn a_polymorphic_value_decodes_as_its_variant() {
    let server =
        answering(json!({ "data": sku("s1", "2018-01-01T12:00:00.000Z") }).to_string()).await;

    let item = client_for(&server)
        .line_items()
        .item("li1")
        .await
        .expect("a SKU")
        .data;

    match item {
        Some(LineItemItem::Sku(sku)) => {
            assert_eq!(sku.id, "s1");
            assert_eq!(sku.attributes.code.as_deref(), Some("TSHIRT"));
        }
        other => panic!("{other:?}"),
    }
}

// A bad date inside a polymorphic `data` is located at data.attributes.created_at.
#[tokio::test]
async fn an_error_inside_a_polymorphic_value_names_its_path() {
    let body = json!({ "data": sku("s1", "yesterday") }).to_string();
    let server = answering(body.clone()).await;

    let error = client_for(&server)
        .line_items()
        .item("li1")
        .await
        .expect_err("not a date");

    match &error {
        Error::Decode {
            path,
            message,
            body: kept,
            ..
        } => {
            assert_eq!(path, "data.attributes.created_at");
            assert_eq!(message, "input contains invalid characters");
            assert_eq!(kept, &body);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "GET /api/line_items/li1/item: cannot decode the 200 OK response at \
         `data.attributes.created_at`: input contains invalid characters"
    );
}

// A bad date inside an included polymorphic value is located at included[3]....
#[tokio::test]
async fn an_error_inside_an_included_value_names_its_place() {
    let body = json!({
        "data": {
            "id": "li1",
            "type": "line_items",
            "attributes": { "quantity": 1 },
            "relationships": { "item": { "data": { "type": "skus", "id": "s4" } } }
        },
        "included": [
            sku("s1", "2018-01-01T12:00:00.000Z"),
            sku("s2", "2018-01-01T12:00:00.000Z"),
            sku("s3", "2018-01-01T12:00:00.000Z"),
            sku("s4", "yesterday"),
        ]
    })
    .to_string();
    let server = answering(body).await;

    let document = client_for(&server)
        .line_items()
        .retrieve("li1")
        .include_raw("item")
        .await
        .expect("the line item decodes");
    let identifier = document
        .data
        .relationships
        .item
        .as_ref()
        .and_then(|item| item.data.clone())
        .flatten()
        .expect("a linkage");

    let error = document
        .included
        .resolve::<LineItemItem>(&identifier)
        .expect("included")
        .expect_err("not a date");

    match &error {
        Error::Decode {
            path,
            message,
            request,
            ..
        } => {
            assert_eq!(path, "included[3].attributes.created_at");
            assert_eq!(message, "input contains invalid characters");
            assert_eq!(
                request.as_ref().map(ToString::to_string).as_deref(),
                Some("GET /api/line_items/li1")
            );
        }
        other => panic!("{other:?}"),
    }
    let typed = document
        .included
        .get::<commercelayer::skus::Sku>("s4")
        .expect("included")
        .expect_err("not a date");
    assert!(
        matches!(&typed, Error::Decode { path, .. } if path == "included[3].attributes.created_at"),
        "{typed:?}"
    );
    assert!(
        document
            .included
            .get::<commercelayer::skus::Sku>("s2")
            .expect("s2")
            .is_ok()
    );
}

// A polymorphic value without a type, or with a type that is not a string, names where.
#[tokio::test]
async fn a_polymorphic_value_without_a_type_is_located() {
    for (data, path, message) in [
        (json!({ "id": "s1" }), "data", "missing field `type`"),
        (
            json!({ "id": "s1", "type": 7 }),
            "data.type",
            "invalid type: integer `7`",
        ),
    ] {
        let server = answering(json!({ "data": data }).to_string()).await;
        let error = client_for(&server)
            .line_items()
            .item("li1")
            .await
            .expect_err("no type");
        match &error {
            Error::Decode {
                path: got,
                message: said,
                ..
            } => {
                assert_eq!(got, path);
                assert!(said.starts_with(message), "{said}");
            }
            other => panic!("{other:?}"),
        }
    }
}
