//! Relationships (linkage, `include`, relationship endpoints), singletons and triggers.

use commercelayer::customer_groups::{CustomerGroupFilter, CustomerGroupInclude};
use commercelayer::jsonapi::{GenericResource, ResourceIdentifier};
use commercelayer::query::FilterField;
use commercelayer::{ItemCall, ListCall, Page};
use serde_json::{Value, json};

use super::{create, fake, market_links, only_error, update};

// A market created with a customer group shows up on the group's `markets` endpoint and in
// its `include=markets`, with the linkage, and can be filtered on.
#[tokio::test]
async fn to_many_relationships_answer_what_points_back() {
    let fake = fake().await;
    let client = fake.client();
    let vip = fake
        .insert("customer_groups", json!({"name": "VIP"}))
        .unwrap();
    let other = fake
        .insert("customer_groups", json!({"name": "Other"}))
        .unwrap();
    let mut markets = Vec::new();
    for name in ["Europe", "Asia", "America"] {
        let mut links = market_links();
        links["customer_group"] = json!({"data": {"type": "customer_groups", "id": vip}});
        let market = create(&client, "markets", json!({"name": name}), Some(links))
            .await
            .unwrap();
        markets.push(market.data.id);
    }

    let related: Page<GenericResource> = markets_of(&client, &vip).await.unwrap();
    let ids: Vec<&str> = related.data.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, markets.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(related.meta.record_count, 3);
    assert_eq!(related.data[0].type_, "markets");
    // Lists of related resources filter and sort with the related type's schema.
    let sorted: Page<GenericResource> = ListCall::<GenericResource>::related(
        &client,
        "customer_groups",
        &vip,
        "markets",
        Some("markets"),
    )
    .filter_raw("name_cont", "a")
    .sort_raw("name", commercelayer::query::Direction::Ascending)
    .await
    .unwrap();
    let names: Vec<&Value> = sorted.data.iter().map(|m| &m.attributes["name"]).collect();
    assert_eq!(names, ["America", "Asia"]);
    let none: Page<GenericResource> = markets_of(&client, &other).await.unwrap();
    assert!(none.data.is_empty());

    let document = client
        .customer_groups()
        .retrieve(&vip)
        .include([CustomerGroupInclude::Markets])
        .await
        .unwrap();
    let linkage = document.data.relationships.markets.unwrap().data.unwrap();
    assert_eq!(linkage.len(), 3);
    assert_eq!(
        linkage[0],
        ResourceIdentifier::new("markets", markets[0].clone())
    );
    assert_eq!(document.included.len(), 3);
    let market: GenericResource = document
        .included
        .resolve(&linkage[1])
        .expect("the market is included")
        .unwrap();
    assert_eq!(market.attributes["name"], "Asia");

    // Without `include`, no linkage and no `included`.
    let plain = client.customer_groups().retrieve(&vip).await.unwrap();
    assert!(plain.data.relationships.markets.unwrap().data.is_none());
    assert!(plain.included.is_empty());

    // A relationship's own endpoint answers identifiers.
    let raw: Value = serde_json::from_str(
        &reqwest_get(
            &fake,
            &format!("customer_groups/{vip}/relationships/markets"),
        )
        .await,
    )
    .unwrap();
    assert_eq!(raw["data"].as_array().unwrap().len(), 3);

    // And lists include too, each resource once.
    let page = client
        .customer_groups()
        .list()
        .filter(CustomerGroupFilter::Id.in_([vip.as_str(), other.as_str()]))
        .include([CustomerGroupInclude::Markets])
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.included.len(), 3);
}

/// `GET /customer_groups/{id}/markets` (the typed `.markets(id)` needs the markets feature).
async fn markets_of(
    client: &commercelayer::Client,
    id: &str,
) -> commercelayer::Result<Page<GenericResource>> {
    ListCall::related(client, "customer_groups", id, "markets", Some("markets")).await
}

async fn reqwest_get(fake: &commercelayer::testing::FakeApi, path: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
        .get(format!("{}/{path}", fake.base_url()))
        .header("authorization", format!("Bearer {}", fake.access_token()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

// A to-one relationship: its endpoint answers the resource or `null`, nested includes work,
// an update relinks or clears it.
#[tokio::test]
async fn to_one_relationships_link_include_and_clear() {
    let fake = fake().await;
    let client = fake.client();
    let group = fake
        .insert("customer_groups", json!({"name": "VIP"}))
        .unwrap();
    let mut links = market_links();
    links["customer_group"] = json!({"data": {"type": "customer_groups", "id": group}});
    let market = create(&client, "markets", json!({"name": "Europe"}), Some(links))
        .await
        .unwrap()
        .data;
    let order = create(
        &client,
        "orders",
        json!({"customer_email": "ann@example.com"}),
        Some(json!({"market": {"data": {"type": "markets", "id": market.id}}})),
    )
    .await
    .unwrap()
    .data;

    let related: commercelayer::Document<Option<GenericResource>> =
        ItemCall::related(&client, "orders", &order.id, "market", Some("markets"))
            .await
            .unwrap();
    assert_eq!(related.data.unwrap().id, market.id);

    let nested = ItemCall::<GenericResource>::retrieve(&client, "orders", &order.id)
        .include_raw("market.customer_group")
        .await
        .unwrap();
    let included: Vec<(String, String)> = nested
        .included
        .raw()
        .map(|r| {
            let v: Value = serde_json::from_str(r.get()).unwrap();
            (
                v["type"].as_str().unwrap().to_string(),
                v["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        included,
        [
            ("markets".to_string(), market.id.clone()),
            ("customer_groups".to_string(), group.clone())
        ]
    );

    // Clearing the link (an update with `data: null`).
    ItemCall::<GenericResource>::update_linked(
        &client,
        "orders",
        &order.id,
        &json!({}),
        Some(json!({"market": {"data": null}})),
    )
    .await
    .unwrap();
    let cleared: commercelayer::Document<Option<GenericResource>> =
        ItemCall::related(&client, "orders", &order.id, "market", Some("markets"))
            .await
            .unwrap();
    assert!(cleared.data.is_none());
    // A required relationship cannot be cleared.
    let error = ItemCall::<GenericResource>::update_linked(
        &client,
        "markets",
        &market.id,
        &json!({}),
        Some(json!({"merchant": {"data": null}})),
    )
    .await
    .unwrap_err();
    assert_eq!(
        only_error(&error).1["source"]["pointer"],
        "/data/relationships/merchant"
    );

    // Relationships of types the fake does not serve answer nothing.
    let line_items: Page<GenericResource> = ListCall::related(
        &client,
        "orders",
        &order.id,
        "line_items",
        Some("line_items"),
    )
    .await
    .unwrap();
    assert!(line_items.data.is_empty());
    // An include the schema does not allow is a 400.
    let error = client
        .customer_groups()
        .retrieve(&group)
        .include_raw("event_stores")
        .await
        .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(
        (status, object["code"].as_str()),
        (400, Some("INVALID_INCLUDE"))
    );
}

// A singleton is retrieved without an id and exists from the start; a test can seed it.
#[tokio::test]
async fn singletons_are_retrieved_without_an_id() {
    let fake = fake().await;
    let client = fake.client();
    let organization = ItemCall::<GenericResource>::singleton(&client, "organization")
        .await
        .unwrap()
        .data;
    assert_eq!(organization.type_, "organizations");
    assert_eq!(organization.attributes["api_auth_redirect"], true);
    assert_eq!(fake.requests()[0].path, "/api/organization");

    let mut seeded = fake.records("organizations").remove(0);
    seeded.set("name", "Acme");
    fake.insert_record(seeded).unwrap();
    let renamed = ItemCall::<GenericResource>::singleton(&client, "organization")
        .await
        .unwrap()
        .data;
    assert_eq!(renamed.id, organization.id);
    assert_eq!(renamed.attributes["name"], "Acme");
    // No list, create or delete of a singleton.
    let error = ListCall::<GenericResource>::list(&client, "organizations")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let error = create(&client, "organization", json!({"name": "X"}), None)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(405));
}

// Triggers are recorded (which, on what, with what value), not stored; a closure gives one
// an effect.
#[tokio::test]
async fn triggers_are_recorded_and_can_have_effects() {
    let fake = fake().await;
    let client = fake.client();
    let order = create(
        &client,
        "orders",
        json!({"customer_email": "ann@example.com"}),
        None,
    )
    .await
    .unwrap()
    .data;

    // Without an effect, placing changes nothing but is recorded.
    let unplaced = update(&client, "orders", &order.id, json!({"_place": true}))
        .await
        .unwrap()
        .data;
    assert_eq!(unplaced.attributes["status"], Value::Null);
    assert!(!unplaced.attributes.contains_key("_place"));
    let triggers = fake.triggers();
    assert_eq!(triggers.len(), 1);
    assert_eq!(
        (
            triggers[0].type_name.as_str(),
            triggers[0].id.as_str(),
            triggers[0].trigger.as_str()
        ),
        ("orders", order.id.as_str(), "_place")
    );
    assert_eq!(triggers[0].value, true);

    fake.on_trigger("orders", "_place", |order, _| {
        order.set("status", "placed");
        order.set("placed_at", "2024-01-01T00:00:00.000Z");
    });
    fake.on_trigger("orders", "_cancel", |order, value| {
        if value == &Value::Bool(true) {
            order.set("status", "cancelled");
        }
    });
    let placed = update(
        &client,
        "orders",
        &order.id,
        json!({"_place": true, "customer_email": "bob@example.com"}),
    )
    .await
    .unwrap()
    .data;
    assert_eq!(placed.attributes["status"], "placed");
    assert_eq!(placed.attributes["customer_email"], "bob@example.com");
    assert_eq!(
        fake.record("orders", &order.id).unwrap().get_str("status"),
        Some("placed")
    );
    let listed: Page<GenericResource> = ListCall::list(&client, "orders")
        .filter_raw("status_eq", "placed")
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 1);

    update(&client, "orders", &order.id, json!({"_cancel": false}))
        .await
        .unwrap();
    assert_eq!(
        fake.record("orders", &order.id).unwrap().get_str("status"),
        Some("placed")
    );
    update(&client, "orders", &order.id, json!({"_cancel": true}))
        .await
        .unwrap();
    assert_eq!(
        fake.record("orders", &order.id).unwrap().get_str("status"),
        Some("cancelled")
    );
    let names: Vec<(String, Value)> = fake
        .triggers()
        .into_iter()
        .map(|t| (t.trigger, t.value))
        .collect();
    assert_eq!(
        names,
        [
            ("_place".to_string(), json!(true)),
            ("_place".to_string(), json!(true)),
            ("_cancel".to_string(), json!(false)),
            ("_cancel".to_string(), json!(true)),
        ]
    );

    // A trigger takes a boolean; a create may send the ones its schema allows.
    let error = update(&client, "orders", &order.id, json!({"_place": "yes"}))
        .await
        .unwrap_err();
    assert_eq!(only_error(&error).0, 422);
    let market = create(
        &client,
        "markets",
        json!({"name": "EU", "_disable": true}),
        Some(market_links()),
    )
    .await
    .unwrap()
    .data;
    let last = fake.triggers().pop().unwrap();
    assert_eq!(
        (
            last.type_name.as_str(),
            last.id.as_str(),
            last.trigger.as_str()
        ),
        ("markets", market.id.as_str(), "_disable")
    );
}
