//! Query options of the customer_groups calls, as the server receives them: include, sparse
//! fields, sort, filters and pages, percent-encoded; and page options the API would refuse,
//! refused before anything is sent.

mod common;

use chrono::{TimeZone, Utc};
use commercelayer::Error;
use commercelayer::customer_groups::{
    CustomerGroupCreate, CustomerGroupField, CustomerGroupFilter, CustomerGroupInclude,
    CustomerGroupSort,
};
use commercelayer::query::FilterField;
use futures_util::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use common::{
    SEED_ID, SEED_REQUEST, SEED_RESPONSE, assert_bodiless, assert_write, client_for, group,
    json_api, only_request, page_document, received,
};

/// A server answering any list of customer groups with one page holding one group.
async fn list_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(
            200,
            page_document(vec![group("a1", "VIP")], 2, 2, 26),
        ))
        .mount(&server)
        .await;
    server
}

// Every typed and raw list option reaches the server in order, brackets and values percent-encoded.
#[tokio::test]
async fn list_sends_every_query_option_percent_encoded() {
    let server = list_server().await;
    let after = Utc.with_ymd_and_hms(2018, 1, 1, 12, 0, 0).unwrap();

    let result = client_for(&server)
        .customer_groups()
        .list()
        .include([CustomerGroupInclude::Markets])
        .fields([CustomerGroupField::Name])
        .sort(CustomerGroupSort::Name)
        .sort_desc(CustomerGroupSort::CreatedAt)
        .filter(CustomerGroupFilter::Name.eq("VIP"))
        .filter(CustomerGroupFilter::Name.cont("A&B / C+D 100%"))
        .filter(CustomerGroupFilter::CreatedAt.gt(after))
        .filter(CustomerGroupFilter::Reference.in_(["a", "b"]))
        .filter_raw("name_or_code_cont", "x")
        .page(2)
        .page_size(25)
        .await;

    let request = only_request(&server).await;
    assert_bodiless(
        &request,
        "GET",
        "/api/customer_groups",
        Some(concat!(
            "include=markets",
            "&fields%5Bcustomer_groups%5D=name",
            "&sort=name,-created_at",
            "&filter%5Bq%5D%5Bname_eq%5D=VIP",
            "&filter%5Bq%5D%5Bname_cont%5D=A%26B%20%2F%20C%2BD%20100%25",
            "&filter%5Bq%5D%5Bcreated_at_gt%5D=2018-01-01T12%3A00%3A00.000Z",
            "&filter%5Bq%5D%5Breference_in%5D=a,b",
            "&filter%5Bq%5D%5Bname_or_code_cont%5D=x",
            "&page%5Bnumber%5D=2",
            "&page%5Bsize%5D=25",
        )),
    );
    // The server decodes each option back to exactly what was asked.
    let decoded: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let pairs: Vec<(&str, &str)> = decoded
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("include", "markets"),
            ("fields[customer_groups]", "name"),
            ("sort", "name,-created_at"),
            ("filter[q][name_eq]", "VIP"),
            ("filter[q][name_cont]", "A&B / C+D 100%"),
            ("filter[q][created_at_gt]", "2018-01-01T12:00:00.000Z"),
            ("filter[q][reference_in]", "a,b"),
            ("filter[q][name_or_code_cont]", "x"),
            ("page[number]", "2"),
            ("page[size]", "25"),
        ]
    );
    result.expect("the page decodes");
}

// Retrieve sends include and sparse fields, several of each comma-separated.
#[tokio::test]
async fn retrieve_sends_include_and_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups/xYZkjABcde"))
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .include([
            CustomerGroupInclude::Markets,
            CustomerGroupInclude::Customers,
        ])
        .fields([CustomerGroupField::Name, CustomerGroupField::Code])
        .await;

    assert_bodiless(
        &only_request(&server).await,
        "GET",
        "/api/customer_groups/xYZkjABcde",
        Some("include=markets,customers&fields%5Bcustomer_groups%5D=name,code"),
    );
    result.expect("the group decodes");
}

// Create sends its query options in the query string and its body unchanged.
#[tokio::test]
async fn create_sends_include_and_fields_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(201, SEED_RESPONSE))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .include([CustomerGroupInclude::Markets])
        .fields([CustomerGroupField::Name])
        .await;

    assert_write(
        &only_request(&server).await,
        "POST",
        "/api/customer_groups",
        Some("include=markets&fields%5Bcustomer_groups%5D=name"),
        SEED_REQUEST,
    );
    result.expect("the documented response decodes");
}

// A page size outside 1..=25 or page number 0 is an InvalidRequest, and nothing is sent.
#[tokio::test]
async fn out_of_range_page_options_fail_before_sending() {
    let server = list_server().await;
    let groups = client_for(&server).customer_groups();

    for (case, call, expected) in [
        (
            "page_size(26)",
            groups.list().page_size(26),
            "page[size] must be between 1 and 25, not 26",
        ),
        (
            "page_size(0)",
            groups.list().page_size(0),
            "page[size] must be between 1 and 25, not 0",
        ),
        (
            "page(0)",
            groups.list().page(0),
            "page[number] starts at 1, not 0",
        ),
    ] {
        match call.await {
            Err(Error::InvalidRequest { message, .. }) => assert_eq!(message, expected, "{case}"),
            other => panic!("{case}: expected InvalidRequest, got {other:?}"),
        }
    }

    let mut stream = Box::pin(groups.list().page_size(26).stream());
    assert!(
        matches!(stream.next().await, Some(Err(Error::InvalidRequest { .. }))),
        "the stream's first item is the refusal"
    );
    assert!(stream.next().await.is_none(), "the stream ends after it");

    assert!(received(&server).await.is_empty(), "no request was sent");
}
