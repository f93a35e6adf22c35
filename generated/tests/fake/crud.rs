//! Create, retrieve, update and delete, the access token and media types, seeding and
//! inspection, and each fake's own store.

use chrono::{DateTime, Utc};
use commercelayer::customer_groups::{CustomerGroupCreate, CustomerGroupUpdate};
use commercelayer::jsonapi::{Mode, ResourceIdentifier};
use commercelayer::testing::{FakeApi, Record};
use commercelayer::{Client, Error};
use serde_json::{Map, Value, json};

use super::{create, fake, market_links, only_error, update};

/// A plain HTTP client, for requests the typed client would never send.
fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

// A create answers 201 with a new id, timestamps, `meta.mode: test`, and is stored.
#[tokio::test]
async fn create_answers_201_with_an_id_timestamps_and_test_mode() {
    let fake = fake().await;
    let metadata: Map<String, Value> = json!({"foo": "bar"}).as_object().cloned().unwrap();
    let created = fake
        .client()
        .customer_groups()
        .create(
            &CustomerGroupCreate::new("VIP")
                .reference("ERP-1")
                .metadata(metadata.clone()),
        )
        .await
        .expect("a valid create")
        .data;

    assert_eq!(created.id.len(), 10);
    assert!(
        created.id.chars().all(|c| c.is_ascii_alphabetic()),
        "{}",
        created.id
    );
    assert_eq!(created.attributes.name.as_deref(), Some("VIP"));
    assert_eq!(created.attributes.reference.as_deref(), Some("ERP-1"));
    assert_eq!(created.attributes.code, None);
    assert_eq!(created.attributes.metadata, Some(metadata));
    let created_at = created.attributes.created_at.expect("created_at is set");
    assert_eq!(created.attributes.updated_at, Some(created_at));
    assert!((Utc::now() - created_at).num_seconds().abs() < 60);
    assert_eq!(created.meta.mode, Some(Mode::Test));
    assert_eq!(
        created.links.self_.as_deref(),
        Some(format!("{}/customer_groups/{}", fake.base_url(), created.id).as_str())
    );
    let markets = created.relationships.markets.expect("markets has links");
    assert_eq!(
        markets.links.and_then(|l| l.related).as_deref(),
        Some(format!("{}/customer_groups/{}/markets", fake.base_url(), created.id).as_str())
    );

    let stored = fake.records("customer_groups");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, created.id);
    assert_eq!(stored[0].get_str("name"), Some("VIP"));
    // The wire format of the timestamps is the API's: milliseconds and `Z`.
    let written = stored[0].get_str("created_at").unwrap();
    assert_eq!(written.len(), "2018-01-01T12:00:00.000Z".len(), "{written}");
    assert!(written.ends_with('Z'));
    written.parse::<DateTime<Utc>>().unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/api/customer_groups")
    );
    assert_eq!(requests[0].status, Some(201));
    assert!(requests[0].authorized);
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/vnd.api+json")
    );
    assert_eq!(
        requests[0].json().unwrap()["data"]["attributes"]["name"],
        "VIP"
    );
    assert!(
        requests[0].header("authorization").is_none(),
        "the token is not kept"
    );
}

// A create without a required attribute is a 422 with the API's error object and pointer,
// and stores nothing.
#[tokio::test]
async fn a_missing_required_attribute_is_a_422_with_its_pointer() {
    let fake = fake().await;
    let error = create(
        &fake.client(),
        "customer_groups",
        json!({"code": "vip"}),
        None,
    )
    .await
    .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(status, 422);
    assert_eq!(
        object,
        json!({
            "title": "can't be blank",
            "detail": "name - can't be blank",
            "code": "VALIDATION_ERROR",
            "source": {"pointer": "/data/attributes/name"},
            "status": "422",
            "meta": {"error": "blank"},
        })
    );
    let api = &error.api_errors()[0];
    assert_eq!(api.code.as_deref(), Some("VALIDATION_ERROR"));
    assert!(fake.records("customer_groups").is_empty());

    // `null` for a required attribute is as blank as leaving it out.
    let error = create(
        &fake.client(),
        "customer_groups",
        json!({"name": null}),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        only_error(&error).1["source"]["pointer"],
        "/data/attributes/name"
    );
}

// Unknown attributes and attributes a create may not set are refused, naming them.
#[tokio::test]
async fn unknown_and_read_only_attributes_are_refused() {
    let fake = fake().await;
    let client = fake.client();
    for (attributes, name) in [
        (
            json!({"name": "VIP", "created_at": "2018-01-01T12:00:00.000Z"}),
            "created_at",
        ),
        (json!({"name": "VIP", "colour": "red"}), "colour"),
    ] {
        let error = create(&client, "customer_groups", attributes, None)
            .await
            .unwrap_err();
        let (status, object) = only_error(&error);
        assert_eq!(status, 400);
        assert_eq!(object["code"], "PARAM_NOT_ALLOWED");
        assert_eq!(
            object["source"]["pointer"],
            format!("/data/attributes/{name}")
        );
    }
    // A trigger an order can only be updated with.
    let error = create(&client, "orders", json!({"_place": true}), None)
        .await
        .unwrap_err();
    assert_eq!(
        only_error(&error).1["source"]["pointer"],
        "/data/attributes/_place"
    );
    assert!(fake.records("customer_groups").is_empty());
    assert!(fake.records("orders").is_empty());
    assert!(fake.triggers().is_empty());
}

// Values are checked against their types: integers, arrays of strings, objects, enums.
#[tokio::test]
async fn values_are_checked_against_their_types() {
    let fake = fake().await;
    let client = fake.client();
    let cases = [
        (
            json!({"name": "EU", "shipping_cost_cutoff": "many"}),
            "shipping_cost_cutoff",
            "must be an integer",
        ),
        (
            json!({"name": "EU", "external_includes": ["a", 2]}),
            "external_includes",
            "must be a string",
        ),
        (
            json!({"name": "EU", "metadata": [1]}),
            "metadata",
            "must be an object",
        ),
    ];
    for (attributes, name, title) in cases {
        let error = create(&client, "markets", attributes, Some(market_links()))
            .await
            .unwrap_err();
        let (status, object) = only_error(&error);
        assert_eq!(status, 422, "{name}");
        assert_eq!(object["title"], title);
        assert_eq!(
            object["source"]["pointer"],
            format!("/data/attributes/{name}")
        );
    }
    // An enum value outside the list cannot be seeded either.
    let mut order = Record::new("orders", "");
    order.set("status", "shipped");
    let refused = fake.insert_record(order).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "orders.status is not included in the list"
    );
    assert!(fake.records("markets").is_empty());
}

// Required relationships are checked like attributes; given, they are stored.
#[tokio::test]
async fn required_relationships_are_checked_and_stored() {
    let fake = fake().await;
    let client = fake.client();
    let error = create(&client, "markets", json!({"name": "Europe"}), None)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    let pointers: Vec<&str> = error
        .api_errors()
        .iter()
        .filter_map(|e| e.source.as_ref().and_then(|s| s.pointer.as_deref()))
        .collect();
    assert_eq!(
        pointers,
        [
            "/data/relationships/merchant",
            "/data/relationships/price_list",
            "/data/relationships/inventory_model"
        ]
    );

    let market = create(
        &client,
        "markets",
        json!({"name": "Europe"}),
        Some(market_links()),
    )
    .await
    .expect("a market with its links")
    .data;
    let stored = fake.record("markets", &market.id).unwrap();
    assert_eq!(
        stored.linked("merchant"),
        [ResourceIdentifier::new("merchants", "mErChAnTid")]
    );

    // Linking a customer group that does not exist (a served type) is refused.
    let mut links = market_links();
    links["customer_group"] = json!({"data": {"type": "customer_groups", "id": "nOtThErEXx"}});
    let error = create(&client, "markets", json!({"name": "Asia"}), Some(links))
        .await
        .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(
        (status, object["title"].as_str()),
        (422, Some("must exist"))
    );
    assert_eq!(
        object["source"]["pointer"],
        "/data/relationships/customer_group"
    );
    // And a type the relationship does not allow.
    let mut links = market_links();
    links["merchant"] = json!({"data": {"type": "skus", "id": "aSkUiDxxxx"}});
    let error = create(&client, "markets", json!({"name": "Asia"}), Some(links))
        .await
        .unwrap_err();
    assert_eq!(only_error(&error).1["code"], "TYPE_MISMATCH");
    assert_eq!(fake.records("markets").len(), 1);
}

// Defaults from the schema are applied on create.
#[tokio::test]
async fn defaults_are_applied_on_create() {
    let fake = fake().await;
    let order = create(
        &fake.client(),
        "orders",
        json!({"customer_email": "a@b.c"}),
        None,
    )
    .await
    .unwrap()
    .data;
    assert_eq!(order.attributes["skus_count"], 0);
    assert_eq!(order.attributes["status"], Value::Null);
    // A write-only attribute is stored but never answered.
    let order = create(
        &fake.client(),
        "orders",
        json!({"customer_password": "s3cret"}),
        None,
    )
    .await
    .unwrap()
    .data;
    assert!(!order.attributes.contains_key("customer_password"));
    assert_eq!(
        fake.record("orders", &order.id)
            .unwrap()
            .get_str("customer_password"),
        Some("s3cret")
    );
}

// Retrieving what is not there is a 404 RECORD_NOT_FOUND.
#[tokio::test]
async fn retrieving_an_unknown_id_is_record_not_found() {
    let fake = fake().await;
    let error = fake
        .client()
        .customer_groups()
        .retrieve("nOtThErEXx")
        .await
        .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(status, 404);
    assert_eq!(object["code"], "RECORD_NOT_FOUND");
    assert_eq!(object["status"], "404");
}

// An update changes only what it sends; `null` clears a nullable attribute.
#[tokio::test]
async fn an_update_changes_only_what_it_sends() {
    let fake = fake().await;
    let client = fake.client();
    let groups = client.customer_groups();
    let created = groups
        .create(
            &CustomerGroupCreate::new("VIP")
                .code("vip1")
                .reference("ERP-1"),
        )
        .await
        .unwrap()
        .data;

    let renamed = groups
        .update(&created.id, &CustomerGroupUpdate::new().name("Gold"))
        .await
        .unwrap()
        .data;
    assert_eq!(renamed.attributes.name.as_deref(), Some("Gold"));
    assert_eq!(renamed.attributes.code.as_deref(), Some("vip1"));
    assert_eq!(renamed.attributes.reference.as_deref(), Some("ERP-1"));
    assert_eq!(renamed.attributes.created_at, created.attributes.created_at);
    assert!(renamed.attributes.updated_at >= created.attributes.updated_at);

    let cleared = groups
        .update(&created.id, &CustomerGroupUpdate::new().clear_code())
        .await
        .unwrap()
        .data;
    assert_eq!(cleared.attributes.code, None);
    assert_eq!(cleared.attributes.name.as_deref(), Some("Gold"));
    assert_eq!(
        fake.record("customer_groups", &created.id)
            .unwrap()
            .attributes["code"],
        Value::Null
    );
}

// An update may not touch read-only attributes nor blank a non-nullable one; refused, it
// changes nothing.
#[tokio::test]
async fn an_update_refuses_read_only_and_blank_values() {
    let fake = fake().await;
    let client = fake.client();
    let id = fake
        .insert("customer_groups", json!({"name": "VIP"}))
        .unwrap();
    let before = fake.record("customer_groups", &id).unwrap();

    let error = update(
        &client,
        "customer_groups",
        &id,
        json!({"created_at": "2000-01-01T00:00:00Z"}),
    )
    .await
    .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(
        (status, object["code"].as_str()),
        (400, Some("PARAM_NOT_ALLOWED"))
    );

    let error = update(&client, "customer_groups", &id, json!({"name": null}))
        .await
        .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(
        (status, object["source"]["pointer"].as_str()),
        (422, Some("/data/attributes/name"))
    );

    let error = update(
        &client,
        "customer_groups",
        "nOtThErEXx",
        json!({"name": "X"}),
    )
    .await
    .unwrap_err();
    assert_eq!(only_error(&error).0, 404);
    assert_eq!(fake.record("customer_groups", &id).unwrap(), before);
}

// A delete answers 204; the record is gone.
#[tokio::test]
async fn a_delete_answers_204_and_forgets() {
    let fake = fake().await;
    let client = fake.client();
    let id = fake
        .insert("customer_groups", json!({"name": "VIP"}))
        .unwrap();
    client
        .customer_groups()
        .delete(&id)
        .await
        .expect("a delete");
    assert_eq!(fake.requests().last().unwrap().status, Some(204));
    assert!(fake.record("customer_groups", &id).is_none());
    let error = client.customer_groups().retrieve(&id).await.unwrap_err();
    assert_eq!(only_error(&error).1["code"], "RECORD_NOT_FOUND");
    let error = client.customer_groups().delete(&id).await.unwrap_err();
    assert_eq!(only_error(&error).0, 404);
}

// Without the fake's access token, every request is a 401 and acts on nothing.
#[tokio::test]
async fn requests_need_the_access_token() {
    let fake = fake().await;
    let stranger = Client::builder()
        .base_url(fake.base_url())
        .access_token("someone-elses-token")
        .build()
        .unwrap();
    let error = stranger
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await
        .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(
        (status, object["code"].as_str()),
        (401, Some("INVALID_TOKEN"))
    );
    assert!(matches!(error, Error::Api { .. }));
    assert!(fake.records("customer_groups").is_empty());
    assert!(!fake.requests()[0].authorized);

    let anonymous = raw_http()
        .get(format!("{}/customer_groups", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

// The API's media type is required: 406 for another Accept, 415 for a write without it.
#[tokio::test]
async fn media_types_are_checked() {
    let fake = fake().await;
    let http = raw_http();
    let bearer = format!("Bearer {}", fake.access_token());
    let url = format!("{}/customer_groups", fake.base_url());
    let html = http
        .get(&url)
        .header("authorization", &bearer)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(html.status().as_u16(), 406);
    assert_eq!(html.headers()["content-type"], "application/vnd.api+json");
    let plain = http
        .post(&url)
        .header("authorization", &bearer)
        .header("content-type", "application/json")
        .body(r#"{"data":{"type":"customer_groups","attributes":{"name":"VIP"}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status().as_u16(), 415);
    let broken = http
        .post(&url)
        .header("authorization", &bearer)
        .header("content-type", "application/vnd.api+json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status().as_u16(), 400);
    assert!(fake.records("customer_groups").is_empty());
}

// Two fakes never share a socket or a record, even when used at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fake_has_its_own_store() {
    let (one, two) = tokio::join!(fake(), fake());
    assert_ne!(one.base_url(), two.base_url());
    assert_ne!(one.access_token(), two.access_token());
    let (a, b) = tokio::join!(
        one.client()
            .customer_groups()
            .create(&CustomerGroupCreate::new("one")),
        two.client()
            .customer_groups()
            .create(&CustomerGroupCreate::new("two")),
    );
    let (a, b) = (a.unwrap().data, b.unwrap().data);
    assert_eq!(one.records("customer_groups").len(), 1);
    assert_eq!(
        two.records("customer_groups")[0].get_str("name"),
        Some("two")
    );
    let error = one
        .client()
        .customer_groups()
        .retrieve(&b.id)
        .await
        .unwrap_err();
    assert_eq!(only_error(&error).0, 404);
    // One fake's token opens nothing on the other.
    let crossed = Client::new(two.base_url(), one.access_token()).unwrap();
    assert!(crossed.customer_groups().retrieve(&b.id).await.is_err());
    assert!(two.client().customer_groups().retrieve(&b.id).await.is_ok());
    assert!(one.client().customer_groups().retrieve(&a.id).await.is_ok());
}

// `FakeApi::start()` is the one-line start: a loopback base URL and a client already
// authenticated for it.
#[tokio::test]
async fn start_gives_a_running_fake_and_its_client() {
    let fake = FakeApi::start().await;
    assert!(
        fake.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        fake.base_url()
    );
    assert!(fake.base_url().ends_with("/api"));
    let client = fake.client();
    assert_eq!(client.base_url(), fake.base_url());
    // Whatever it serves, the request reaches it with its token.
    let _ = client.customer_groups().list().await;
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].authorized);
    assert_eq!(requests[0].path, "/api/customer_groups");
}

// What a test seeds is checked against the schema; records can be replaced and linked.
#[tokio::test]
async fn seeding_is_checked_against_the_schema() {
    let fake = fake().await;
    let unknown = fake
        .insert("customer_groups", json!({"colour": "red"}))
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "customer_groups has no attribute colour"
    );
    let unserved = fake.insert("skus", json!({})).unwrap_err();
    assert_eq!(unserved.to_string(), "the fake does not serve skus");
    assert!(fake.insert("customer_groups", json!("VIP")).is_err());

    // Read-only attributes can be seeded; times are written as the API writes them.
    let id = fake
        .insert(
            "customer_groups",
            json!({"name": "VIP", "created_at": "2020-05-01T10:00:00+02:00"}),
        )
        .unwrap();
    let record = fake.record("customer_groups", &id).unwrap();
    assert_eq!(
        record.get_str("created_at"),
        Some("2020-05-01T08:00:00.000Z")
    );

    let wrong = fake.link(
        "customer_groups",
        &id,
        "markets",
        [ResourceIdentifier::new("skus", "x")],
    );
    assert_eq!(
        wrong.unwrap_err().to_string(),
        "customer_groups.markets cannot link skus"
    );
    let mut replaced = record.clone();
    replaced.set("name", "Gold");
    assert_eq!(fake.insert_record(replaced).unwrap(), id);
    let group = fake
        .client()
        .customer_groups()
        .retrieve(&id)
        .await
        .unwrap()
        .data;
    assert_eq!(group.attributes.name.as_deref(), Some("Gold"));
    assert_eq!(fake.records("customer_groups").len(), 1);
}
