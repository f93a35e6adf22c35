//! The customer_groups endpoints against a local HTTP server: what each one sends (method,
//! path, query, headers, body) and how each answer decodes.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use commercelayer::customer_groups::{
    CustomerGroupCreate, CustomerGroupInclude, CustomerGroupUpdate, CustomerGroups,
};
use commercelayer::jsonapi::{Mode, Resource, ResourceIdentifier};
use commercelayer::markets::Market;
use commercelayer::{Client, ListCall, Page};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    ACCESS_TOKEN, SEED_ID, SEED_REQUEST, SEED_RESPONSE, assert_bodiless, assert_write, client_for,
    group, header_values, item_document, json_api, object, only_request, page_document,
};

/// Noon on 1 January 2018, UTC: both timestamps of the documented response.
fn documented_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 1, 1, 12, 0, 0).unwrap()
}

// Create sends the documented request byte for byte and decodes every value of the documented 201.
#[tokio::test]
async fn create_sends_the_documented_request_and_decodes_the_documented_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await;

    let request = only_request(&server).await;
    assert_write(&request, "POST", "/api/customer_groups", None, SEED_REQUEST);
    let document = result.expect("the documented response decodes");
    assert!(document.included.is_empty());
    assert_eq!(document.links, None);
    assert_eq!(document.meta, None);

    let group = document.data;
    assert_eq!(group.id, SEED_ID);
    assert_eq!(
        group.links.self_.as_deref(),
        Some("https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde")
    );

    let attributes = &group.attributes;
    assert_eq!(attributes.name.as_deref(), Some("VIP"));
    assert_eq!(attributes.code, None);
    assert_eq!(attributes.created_at, Some(documented_time()));
    assert_eq!(attributes.updated_at, Some(documented_time()));
    assert_eq!(
        attributes.reference.as_deref(),
        Some("ANY-EXTERNAL-REFEFERNCE")
    );
    assert_eq!(
        attributes.reference_origin.as_deref(),
        Some("ANY-EXTERNAL-REFEFERNCE-ORIGIN")
    );
    assert_eq!(attributes.metadata, Some(object(json!({ "foo": "bar" }))));

    let relationships = &group.relationships;
    for (name, relationship) in [
        ("customers", &relationships.customers),
        ("markets", &relationships.markets),
        ("attachments", &relationships.attachments),
    ] {
        let relationship = relationship
            .as_ref()
            .unwrap_or_else(|| panic!("the response has the {name} relationship"));
        let links = relationship
            .links
            .as_ref()
            .unwrap_or_else(|| panic!("the {name} relationship has links"));
        let group_url = "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde";
        assert_eq!(
            links.self_.as_deref(),
            Some(format!("{group_url}/relationships/{name}").as_str())
        );
        assert_eq!(
            links.related.as_deref(),
            Some(format!("{group_url}/{name}").as_str())
        );
        assert_eq!(relationship.data, None, "{name}: no linkage was sent");
    }
    assert_eq!(relationships.versions, None);
    assert_eq!(relationships.event_stores, None);

    assert_eq!(group.meta.mode, Some(Mode::Test));
    assert!(group.meta.other.is_empty());
}

// Optional attributes are sent only once set, after the required name.
#[tokio::test]
async fn create_sends_optional_attributes_only_when_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;
    let body = CustomerGroupCreate::new("VIP")
        .code("vip1")
        .metadata(object(json!({ "foo": "bar" })));

    let result = client_for(&server).customer_groups().create(&body).await;

    assert_write(
        &only_request(&server).await,
        "POST",
        "/api/customer_groups",
        None,
        r#"{"data":{"type":"customer_groups","attributes":{"name":"VIP","code":"vip1","metadata":{"foo":"bar"}}}}"#,
    );
    result.expect("the documented response decodes");
}

// Retrieve GETs the group at its own path, with no body, and decodes it.
#[tokio::test]
async fn retrieve_gets_the_group_by_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups/xYZkjABcde"))
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await;

    let request = only_request(&server).await;
    assert_bodiless(&request, "GET", "/api/customer_groups/xYZkjABcde", None);
    let group = result.expect("the group decodes").data;
    assert_eq!(group.id, SEED_ID);
    assert_eq!(group.attributes.name.as_deref(), Some("VIP"));
    assert_eq!(group.meta.mode, Some(Mode::Test));
}

// Included markets come back in `included` and resolve from the group's markets linkage.
#[tokio::test]
async fn retrieve_with_include_resolves_the_included_markets() {
    let server = MockServer::start().await;
    let mut resource = group(SEED_ID, "VIP");
    resource["relationships"] = json!({
        "markets": { "data": [{ "type": "markets", "id": "mkt1" }] }
    });
    let body = json!({
        "data": resource,
        "included": [{
            "id": "mkt1",
            "type": "markets",
            "attributes": { "name": "Europe" },
            "meta": { "mode": "test" }
        }]
    });
    Mock::given(method("GET"))
        .and(path("/api/customer_groups/xYZkjABcde"))
        .respond_with(json_api(200, body.to_string()))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .include([CustomerGroupInclude::Markets])
        .await;

    let request = only_request(&server).await;
    assert_bodiless(
        &request,
        "GET",
        "/api/customer_groups/xYZkjABcde",
        Some("include=markets"),
    );
    let document = result.expect("the group and its markets decode");
    let linkage = document
        .data
        .relationships
        .markets
        .and_then(|markets| markets.data)
        .expect("the markets linkage");
    assert_eq!(linkage, [ResourceIdentifier::new("markets", "mkt1")]);
    let market: Market = document
        .included
        .resolve(&linkage[0])
        .expect("the market is included")
        .expect("the market decodes");
    assert_eq!(market.attributes.name.as_deref(), Some("Europe"));
    let same: Market = document
        .included
        .get("mkt1")
        .expect("found by type and id")
        .expect("the market decodes");
    assert_eq!(same, market);
}

// List GETs the collection with no query or body and decodes each group of the page.
#[tokio::test]
async fn list_gets_the_collection() {
    let server = MockServer::start().await;
    let page = page_document(vec![group("a1", "VIP"), group("b2", "Gold")], 1, 1, 2);
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(200, page))
        .mount(&server)
        .await;

    let result = client_for(&server).customer_groups().list().await;

    assert_bodiless(
        &only_request(&server).await,
        "GET",
        "/api/customer_groups",
        None,
    );
    let page = result.expect("the page decodes");
    let groups: Vec<_> = page
        .data
        .iter()
        .map(|g| (g.id.as_str(), g.attributes.name.as_deref()))
        .collect();
    assert_eq!(groups, [("a1", Some("VIP")), ("b2", Some("Gold"))]);
    assert_eq!(page.meta.record_count, 2);
}

// Update PATCHes the id in path and body: unchanged attributes are left out, a cleared one is null, a set one has its value.
#[tokio::test]
async fn update_sends_only_the_attributes_it_changes() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/customer_groups/xYZkjABcde"))
        .respond_with(json_api(200, item_document(group(SEED_ID, "Gold"))))
        .mount(&server)
        .await;
    let body = CustomerGroupUpdate::new()
        .name("Gold")
        .clear_code()
        .reference("ERP-42");

    let result = client_for(&server)
        .customer_groups()
        .update(SEED_ID, &body)
        .await;

    assert_write(
        &only_request(&server).await,
        "PATCH",
        "/api/customer_groups/xYZkjABcde",
        None,
        r#"{"data":{"type":"customer_groups","id":"xYZkjABcde","attributes":{"name":"Gold","code":null,"reference":"ERP-42"}}}"#,
    );
    let group = result.expect("the updated group decodes").data;
    assert_eq!(group.id, SEED_ID);
    assert_eq!(group.attributes.name.as_deref(), Some("Gold"));
}

// An update that changes nothing still names the resource, with an empty attributes object.
#[tokio::test]
async fn an_update_changing_nothing_sends_empty_attributes() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/customer_groups/xYZkjABcde"))
        .respond_with(json_api(200, item_document(group(SEED_ID, "VIP"))))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .update(SEED_ID, &CustomerGroupUpdate::new())
        .await;

    assert_write(
        &only_request(&server).await,
        "PATCH",
        "/api/customer_groups/xYZkjABcde",
        None,
        r#"{"data":{"type":"customer_groups","id":"xYZkjABcde","attributes":{}}}"#,
    );
    result.expect("the group decodes");
}

// Delete sends DELETE with no body and takes the API's empty 204 as success.
#[tokio::test]
async fn delete_takes_an_empty_204_as_success() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/customer_groups/xYZkjABcde"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let result = client_for(&server).customer_groups().delete(SEED_ID).await;

    assert_bodiless(
        &only_request(&server).await,
        "DELETE",
        "/api/customer_groups/xYZkjABcde",
        None,
    );
    result.expect("a 204 is a successful delete");
}

/// Serves one related resource at `{id}/{relationship}` and returns what a fetcher sent and got.
async fn fetch_related<T: Resource>(
    relationship: &str,
    fetch: impl Fn(&CustomerGroups) -> ListCall<T>,
) -> (Page<T>, String) {
    let server = MockServer::start().await;
    let related_path = format!("/api/customer_groups/xYZkjABcde/{relationship}");
    let related = json!({
        "id": "rel1",
        "type": relationship,
        "attributes": { "created_at": "2018-01-01T12:00:00.000Z" },
        "meta": { "mode": "live" }
    });
    Mock::given(method("GET"))
        .and(path(related_path.as_str()))
        .respond_with(json_api(200, page_document(vec![related], 1, 1, 1)))
        .mount(&server)
        .await;

    let result = fetch(&client_for(&server).customer_groups())
        .fields_raw(relationship, ["created_at"])
        .await;

    assert_bodiless(
        &only_request(&server).await,
        "GET",
        &related_path,
        Some(&format!("fields%5B{relationship}%5D=created_at")),
    );
    let page = result.unwrap_or_else(|error| panic!("{relationship}: {error}"));
    assert_eq!(page.meta.record_count, 1);
    assert_eq!(page.data.len(), 1, "{relationship}");
    (page, related_path)
}

// Each relationship fetcher GETs {id}/{relationship}, and decodes the related resources into
// their own generated types.
#[tokio::test]
async fn relationship_fetchers_get_the_related_resources() {
    let created_at: DateTime<Utc> = "2018-01-01T12:00:00Z".parse().unwrap();
    macro_rules! check {
        ($relationship:literal, $fetcher:ident) => {{
            let (page, _) = fetch_related($relationship, |groups| groups.$fetcher(SEED_ID)).await;
            let resource = &page.data[0];
            assert_eq!(resource.id, "rel1");
            assert_eq!(resource.attributes.created_at, Some(created_at));
            assert_eq!(resource.meta.mode, Some(Mode::Live));
        }};
    }
    check!("customers", customers);
    check!("markets", markets);
    check!("attachments", attachments);
    check!("versions", versions);
    check!("event_stores", event_stores);
}

// A user agent set on the builder is sent even when the caller brings its own reqwest client builder.
#[tokio::test]
async fn a_custom_user_agent_is_sent_with_a_custom_http_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(200, page_document(vec![], 1, 0, 0)))
        .mount(&server)
        .await;
    // A builder asking for its own user agent and for redirects: the client's own settings win.
    let http = reqwest::Client::builder()
        .user_agent("the-builder's-agent")
        .redirect(reqwest::redirect::Policy::limited(10));
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(ACCESS_TOKEN)
        .http_client(http)
        .user_agent("acme-shop/1.0")
        .build()
        .expect("a valid client configuration");

    let result = client.customer_groups().list().await;

    let request = only_request(&server).await;
    result.expect("the empty page decodes");
    assert_eq!(header_values(&request, "user-agent"), ["acme-shop/1.0"]);
}
