//! What the whole API adds beyond customer groups: enums that keep unknown values,
//! polymorphic relationships decoded by type, included resources resolved into typed values,
//! relationship linkage on create and update, triggers, and singletons.

mod common;

use commercelayer::jsonapi::{GenericResource, ResourceIdentifier};
use commercelayer::line_items::{LineItem, LineItemCreate, LineItemItem, LineItemItemType};
use commercelayer::orders::{Order, OrderStatus, OrderUpdate};
use commercelayer::skus::Sku;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use common::{assert_bodiless, assert_write, client_for, item_document, json_api, only_request};

/// An order resource object with the given status.
fn order(status: &str) -> serde_json::Value {
    json!({
        "id": "ord1",
        "type": "orders",
        "attributes": { "status": status, "number": "1234" },
        "relationships": {
            "customer": { "links": { "related": "https://x/api/orders/ord1/customer" } }
        },
        "meta": { "mode": "live" }
    })
}

// A status the client knows decodes to its variant; one it does not know is kept, not refused.
#[tokio::test]
async fn enums_keep_values_they_do_not_know() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/orders/ord1"))
        .respond_with(json_api(200, item_document(order("placed"))))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/orders/ord1"))
        .respond_with(json_api(200, item_document(order("teleported"))))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let known: Order = client.orders().retrieve("ord1").await.unwrap().data;
    assert_eq!(known.attributes.status, Some(OrderStatus::Placed));

    let unknown: Order = client.orders().retrieve("ord1").await.unwrap().data;
    let status = unknown.attributes.status.expect("a status");
    assert_eq!(status, OrderStatus::Other("teleported".to_string()));
    assert_eq!(status.as_str(), "teleported");
}

// Placing an order is a PATCH of the order with `_place: true`, and answers the order.
#[tokio::test]
async fn triggers_are_methods_that_send_true() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/orders/ord1"))
        .respond_with(json_api(200, item_document(order("placed"))))
        .mount(&server)
        .await;

    let placed = client_for(&server)
        .orders()
        .place("ord1")
        .await
        .unwrap()
        .data;

    assert_write(
        &only_request(&server).await,
        "PATCH",
        "/api/orders/ord1",
        None,
        r#"{"data":{"type":"orders","id":"ord1","attributes":{"_place":true}}}"#,
    );
    assert_eq!(placed.attributes.status, Some(OrderStatus::Placed));
}

// A required relationship is a constructor argument and is sent as linkage; optional ones are
// sent only when set, polymorphic ones with the type the caller names.
#[tokio::test]
async fn create_links_relationships() {
    let server = MockServer::start().await;
    let line_item = json!({"id": "li1", "type": "line_items", "attributes": {"quantity": 2}});
    Mock::given(method("POST"))
        .and(path("/api/line_items"))
        .respond_with(json_api(201, item_document(line_item)))
        .mount(&server)
        .await;

    let body = LineItemCreate::new(2, "ord1")
        .item_type(LineItemItemType::Skus)
        .item(ResourceIdentifier::new("skus", "sku1"));
    let created: LineItem = client_for(&server)
        .line_items()
        .create(&body)
        .await
        .unwrap()
        .data;

    assert_write(
        &only_request(&server).await,
        "POST",
        "/api/line_items",
        None,
        r#"{"data":{"type":"line_items","attributes":{"quantity":2,"item_type":"skus"},"relationships":{"order":{"data":{"type":"orders","id":"ord1"}},"item":{"data":{"type":"skus","id":"sku1"}}}}}"#,
    );
    assert_eq!(created.attributes.quantity, Some(2));
}

// An update can relink a to-one relationship or clear it (`data: null`).
#[tokio::test]
async fn update_relinks_and_clears_relationships() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/orders/ord1"))
        .respond_with(json_api(200, item_document(order("draft"))))
        .mount(&server)
        .await;

    let body = OrderUpdate::new()
        .customer_email("someone@example.com")
        .market("mkt1")
        .clear_shipping_address();
    client_for(&server)
        .orders()
        .update("ord1", &body)
        .await
        .unwrap();

    assert_write(
        &only_request(&server).await,
        "PATCH",
        "/api/orders/ord1",
        None,
        r#"{"data":{"type":"orders","id":"ord1","attributes":{"customer_email":"someone@example.com"},"relationships":{"market":{"data":{"type":"markets","id":"mkt1"}},"shipping_address":{"data":null}}}}"#,
    );
}

// A polymorphic to-one relationship decodes into the variant its type names, an empty one to
// `None`, and a type without a variant into `Other`.
#[tokio::test]
async fn polymorphic_relationships_decode_by_type() {
    let server = MockServer::start().await;
    let answers = [
        json!({"data": {"id": "sku1", "type": "skus", "attributes": {"code": "TSHIRT"}}}),
        json!({"data": null}),
        json!({"data": {"id": "x1", "type": "teleporters", "attributes": {"range": 3}}}),
    ];
    for answer in answers {
        Mock::given(method("GET"))
            .and(path("/api/line_items/li1/item"))
            .respond_with(json_api(200, answer.to_string()))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let client = client_for(&server);

    let sku = client.line_items().item("li1").await.unwrap().data;
    match sku {
        Some(LineItemItem::Sku(sku)) => assert_eq!(sku.attributes.code.as_deref(), Some("TSHIRT")),
        other => panic!("expected a SKU, got {other:?}"),
    }
    assert_eq!(client.line_items().item("li1").await.unwrap().data, None);
    match client.line_items().item("li1").await.unwrap().data {
        Some(LineItemItem::Other(other)) => {
            assert_eq!(other.type_, "teleporters");
            assert_eq!(other.attributes["range"], 3);
        }
        other => panic!("expected an unknown type, got {other:?}"),
    }
    assert_bodiless(
        &common::received(&server).await[0],
        "GET",
        "/api/line_items/li1/item",
        None,
    );
}

// Included resources resolve into their generated types, polymorphic linkage into the enum.
#[tokio::test]
async fn included_resources_resolve_into_typed_values() {
    let server = MockServer::start().await;
    let body = json!({
        "data": {
            "id": "li1", "type": "line_items",
            "attributes": {"quantity": 1},
            "relationships": {"item": {"data": {"type": "skus", "id": "sku1"}}}
        },
        "included": [
            {"id": "sku1", "type": "skus", "attributes": {"code": "TSHIRT", "name": "T-shirt"}}
        ]
    });
    Mock::given(method("GET"))
        .and(path("/api/line_items/li1"))
        .respond_with(json_api(200, body.to_string()))
        .mount(&server)
        .await;

    let document = client_for(&server)
        .line_items()
        .retrieve("li1")
        .include([commercelayer::line_items::LineItemInclude::Item])
        .await
        .unwrap();

    assert_eq!(
        only_request(&server).await.url.query(),
        Some("include=item")
    );
    let identifier = document
        .data
        .relationships
        .item
        .as_ref()
        .and_then(|item| item.data.clone())
        .flatten()
        .expect("the item linkage");
    let sku: Sku = document.included.resolve(&identifier).unwrap().unwrap();
    assert_eq!(sku.attributes.name.as_deref(), Some("T-shirt"));
    let item: LineItemItem = document.included.resolve(&identifier).unwrap().unwrap();
    assert!(matches!(item, LineItemItem::Sku(_)));
    let generic: Vec<GenericResource> = document
        .included
        .all::<GenericResource>()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(generic.len(), 1);
    assert!(document.included.get::<Order>("sku1").is_none());
}

// A singleton is retrieved without an id.
#[tokio::test]
async fn singletons_are_retrieved_without_an_id() {
    let server = MockServer::start().await;
    let organization = json!({"id": "org1", "type": "organizations", "attributes": {"name": "Acme", "slug": "acme"}});
    Mock::given(method("GET"))
        .and(path("/api/organization"))
        .respond_with(json_api(200, item_document(organization)))
        .mount(&server)
        .await;

    let organization = client_for(&server)
        .organizations()
        .retrieve()
        .await
        .unwrap()
        .data;

    assert_bodiless(
        &only_request(&server).await,
        "GET",
        "/api/organization",
        None,
    );
    assert_eq!(organization.attributes.slug.as_deref(), Some("acme"));
}
