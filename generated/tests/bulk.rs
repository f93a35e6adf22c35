//! Bulk work against loopback servers: `count()` (one request for one record, filters
//! kept), `all()` (a walk by id that keeps the call's options, never asks past the end and
//! fetches each next page while the caller reads the current one), `Batch` (bounded
//! concurrency, results in order, a failure isolated, a write of unknown fate never resent)
//! and raw requests (`client.request(method, path)`).
#![cfg(feature = "customer_groups")]

mod bulk_server;
mod common;

use std::time::Duration;

use commercelayer::customer_groups::{
    CustomerGroup, CustomerGroupCreate, CustomerGroupField, CustomerGroupFilter,
    CustomerGroupInclude, CustomerGroupSort, CustomerGroupUpdate,
};
use commercelayer::jsonapi::GenericResource;
use commercelayer::query::FilterField;
use commercelayer::{
    Batch, Client, Error, HeaderValue, JSON_API, Method, Pacing, Page, StatusCode, StreamExt,
    TryStreamExt, Value, json,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use bulk_server::{Seen, Server};
use common::{ACCESS_TOKEN, group, json_api, page_document, received};

/// A client of `server`, unpaced (the server enforces no limit), that retries at once.
fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .access_token(ACCESS_TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .pacing(Pacing::off())
        .build()
        .expect("a client")
}

fn wiremock_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(ACCESS_TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .expect("a client")
}

/// The list requests `server` received.
fn lists(server: &Server) -> Vec<Seen> {
    server
        .seen()
        .into_iter()
        .filter(|seen| seen.method == "GET" && seen.path == "/api/customer_groups")
        .collect()
}

/// The query keys of a request, in order.
fn keys(seen: &Seen) -> Vec<&str> {
    seen.query.iter().map(|(key, _)| key.as_str()).collect()
}

// A count is one request for a one-record page with the filters, no include, sort or page
// number, and only the id; its answer is meta.record_count.
#[tokio::test]
async fn count_reads_the_record_count_of_a_one_record_page() {
    let server = Server::builder().records(60).start().await;
    let client = client(&server);

    let all = client
        .customer_groups()
        .list()
        .count()
        .await
        .expect("a count");
    let one = client
        .customer_groups()
        .list()
        .filter(CustomerGroupFilter::Reference.eq("ref-7"))
        .include([CustomerGroupInclude::Markets])
        .fields([CustomerGroupField::Name])
        .sort(CustomerGroupSort::Name)
        .page(3)
        .page_size(10)
        .count()
        .await
        .expect("a count");

    assert_eq!((all, one), (60, 1));
    let seen = lists(&server);
    assert_eq!(seen.len(), 2, "one request each");
    assert_eq!(
        seen[0].query,
        [
            ("fields[customer_groups]".to_string(), "id".to_string()),
            ("page[size]".to_string(), "1".to_string()),
        ]
    );
    assert_eq!(
        keys(&seen[1]),
        [
            "fields[customer_groups]",
            "filter[q][reference_eq]",
            "page[size]"
        ]
    );
    assert_eq!(seen[1].param("filter[q][reference_eq]"), Some("ref-7"));
    assert_eq!(seen[1].param("fields[customer_groups]"), Some("id"));
    assert_eq!(seen[1].param("page[size]"), Some("1"));
}

// all() yields every record in order of id, in ceil(n / 25) requests (one for an empty
// list): sorted by id, each after the first continuing from the last id with id_gt, none
// past the end and none to count.
#[tokio::test]
async fn all_walks_by_id_and_never_asks_past_the_end() {
    for n in [0usize, 1, 24, 25, 26, 50, 60] {
        let server = Server::builder().records(n).start().await;
        let client = client(&server);

        let ids: Vec<String> = client
            .customer_groups()
            .list()
            .all()
            .map_ok(|group: CustomerGroup| group.id)
            .try_collect()
            .await
            .expect("every group");

        assert_eq!(ids, server.ids(), "{n} records, in order of id");
        let seen = lists(&server);
        assert_eq!(seen.len(), n.div_ceil(25).max(1), "{n} records");
        for (i, request) in seen.iter().enumerate() {
            assert_eq!(request.param("sort"), Some("id"));
            assert_eq!(request.param("page[size]"), Some("25"));
            assert_eq!(request.param("page[number]"), None);
            let expected = (i > 0).then(|| ids[i * 25 - 1].as_str());
            assert_eq!(request.param("filter[q][id_gt]"), expected, "{n}: page {i}");
        }
    }
}

// A server whose every page counts all the records, not those from the page on, still
// gets no request past the end: the first page's count bounds the walk.
#[tokio::test]
async fn all_stops_at_the_first_pages_count() {
    for n in [50usize, 60] {
        let server = Server::builder().records(n).total_count().start().await;
        let client = client(&server);
        let ids: Vec<String> = client
            .customer_groups()
            .list()
            .all()
            .map_ok(|group: CustomerGroup| group.id)
            .try_collect()
            .await
            .expect("every group");
        assert_eq!(ids, server.ids());
        assert_eq!(lists(&server).len(), n.div_ceil(25), "{n} records");
    }
}

// The call's filters, fields, includes and page size are kept on every page; a sort by id
// is accepted, and one by descending id walks down with id_lt.
#[tokio::test]
async fn all_keeps_the_calls_options() {
    let server = Server::builder().records(40).start().await;
    let client = client(&server);

    let groups: Vec<CustomerGroup> = client
        .customer_groups()
        .list()
        .filter(CustomerGroupFilter::Name.start("group"))
        .filter_raw("reference_eq", "ref-3")
        .fields([CustomerGroupField::Name])
        .include([CustomerGroupInclude::Markets])
        .sort(CustomerGroupSort::Id)
        .page_size(10)
        .all()
        .try_collect()
        .await
        .expect("the matching group");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].attributes.name.as_deref(), Some("group 3"));
    assert_eq!(
        groups[0].attributes.reference, None,
        "only the name asked for"
    );
    let seen = lists(&server);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        keys(&seen[0]),
        [
            "include",
            "fields[customer_groups]",
            "sort",
            "filter[q][name_start]",
            "filter[q][reference_eq]",
            "page[size]"
        ]
    );
    assert_eq!(seen[0].param("page[size]"), Some("10"));

    let down: Vec<String> = client
        .customer_groups()
        .list()
        .sort_desc(CustomerGroupSort::Id)
        .page_size(15)
        .all()
        .map_ok(|group| group.id)
        .try_collect()
        .await
        .expect("every group");
    let mut expected = server.ids();
    expected.reverse();
    assert_eq!(down, expected);
    let seen = &lists(&server)[1..];
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].param("sort"), Some("-id"));
    assert_eq!(
        seen[1].param("filter[q][id_lt]"),
        Some(expected[14].as_str())
    );
    assert_eq!(
        seen[2].param("filter[q][id_lt]"),
        Some(expected[29].as_str())
    );
    assert_eq!(seen[2].param("filter[q][id_gt]"), None);
}

// A sort on something else than the id, or a starting page, cannot be walked by id: the
// stream's one item is a clear error, and nothing is sent.
#[tokio::test]
async fn all_refuses_what_it_cannot_walk() {
    let server = Server::builder().records(5).start().await;
    let client = client(&server);
    let calls = [
        client
            .customer_groups()
            .list()
            .sort(CustomerGroupSort::CreatedAt),
        client
            .customer_groups()
            .list()
            .sort(CustomerGroupSort::Id)
            .sort(CustomerGroupSort::Name),
        client.customer_groups().list().page(2),
    ];
    for call in calls {
        let items: Vec<Result<CustomerGroup, Error>> = call.all().collect().await;
        assert_eq!(items.len(), 1);
        match &items[0] {
            Err(Error::InvalidRequest { message, .. }) => {
                assert!(message.starts_with("`all` walks the list"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(server.seen().is_empty(), "nothing sent");
}

// The next page is requested as soon as the current one arrives, while the caller has not
// read past the first record of it.
#[tokio::test]
async fn all_fetches_the_next_page_while_the_caller_reads() {
    let server = Server::builder().records(60).start().await;
    let client = client(&server);
    let mut stream = std::pin::pin!(client.customer_groups().list().all());

    let first = stream.next().await.expect("an item").expect("a group");
    assert_eq!(first.id, server.ids()[0]);
    // The stream is not polled again until the second page has been asked for.
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while lists(&server).len() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the second page was requested in the background"
    );
    let seen = lists(&server);
    assert_eq!(
        seen[1].param("filter[q][id_gt]"),
        Some(server.ids()[24].as_str())
    );

    let rest: Vec<CustomerGroup> = stream.try_collect().await.expect("the rest");
    assert_eq!(rest.len(), 59);
    assert_eq!(lists(&server).len(), 3);
}

// An error ends the stream after the records before it; a server that ignores the id
// condition (the same page again) is an error, not an endless walk.
#[tokio::test]
async fn all_stops_at_an_error() {
    let wiremock = MockServer::start().await;
    let page: Vec<Value> = (0..25).map(|i| group(&format!("g{i:02}"), "G")).collect();
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(200, page_document(page, 1, 2, 50)))
        .mount(&wiremock)
        .await;
    let client = wiremock_client(&wiremock);

    let items: Vec<Result<GenericResource, Error>> =
        commercelayer::ListCall::<GenericResource>::list(&client, "customer_groups")
            .all()
            .collect()
            .await;

    assert_eq!(items.len(), 26);
    assert!(items[..25].iter().all(Result::is_ok));
    match &items[25] {
        Err(error @ Error::Decode { path, .. }) => {
            assert_eq!(path, "data");
            assert!(error.to_string().contains("same id"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(received(&wiremock).await.len(), 2);

    let failing = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_api(
            404,
            r#"{"errors":[{"title":"not found","code":"RECORD_NOT_FOUND"}]}"#,
        ))
        .mount(&failing)
        .await;
    let client = wiremock_client(&failing);
    let items: Vec<Result<CustomerGroup, Error>> =
        client.customer_groups().list().all().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().map_err(Error::status).err(),
        Some(Some(StatusCode::NOT_FOUND))
    );
}

// all_pages() gives the pages with their included resources.
#[tokio::test]
async fn all_pages_gives_the_pages() {
    let server = Server::builder().records(30).start().await;
    let client = client(&server);
    let pages: Vec<Page<CustomerGroup>> = client
        .customer_groups()
        .list()
        .page_size(20)
        .all_pages()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(
        pages.iter().map(|page| page.data.len()).collect::<Vec<_>>(),
        [20, 10]
    );
    assert_eq!(
        pages
            .iter()
            .map(|page| page.meta.record_count)
            .collect::<Vec<_>>(),
        [30, 10],
        "each page counts the records from it on"
    );
}

// A batch gives each item's result in the order of the calls; a refused item fails alone,
// and each create is sent once.
#[tokio::test]
async fn a_batch_gives_each_result_in_order() {
    let server = Server::builder()
        .failing("ref-7")
        .delay(Duration::from_millis(2))
        .start()
        .await;
    let client = client(&server);
    let references: Vec<String> = (0..30).map(|i| format!("ref-{i}")).collect();

    let results = Batch::new(references.iter().map(|reference| {
        client
            .customer_groups()
            .create(&CustomerGroupCreate::new("G").reference(reference))
    }))
    .concurrency(6)
    .await;

    assert_eq!(results.len(), 30);
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(created) if i != 7 => assert_eq!(
                created.data.attributes.reference.as_deref(),
                Some(references[i].as_str())
            ),
            Err(error) if i == 7 => {
                assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY))
            }
            other => panic!("item {i}: {other:?}"),
        }
    }
    assert_eq!(server.stored(), 29);
    assert!(server.creates().values().all(|&n| n == 1), "each sent once");

    // Updates and deletes too, with a missing id failing alone.
    let mut ids = server.ids();
    ids.insert(3, "missing".to_string());
    let updates = Batch::new(ids.iter().map(|id| {
        client
            .customer_groups()
            .update(id, &CustomerGroupUpdate::new().name("Renamed"))
    }))
    .run()
    .await;
    let failed: Vec<usize> = (0..updates.len())
        .filter(|&i| updates[i].is_err())
        .collect();
    assert_eq!(failed, [3]);
    let deletes = Batch::new(ids.iter().map(|id| client.customer_groups().delete(id))).await;
    let failed: Vec<usize> = (0..deletes.len())
        .filter(|&i| deletes[i].is_err())
        .collect();
    assert_eq!(failed, [3]);
    assert_eq!(server.stored(), 0);
}

// A create whose answer does not come in time fails alone and is not sent again: its fate
// is unknown. The others go through.
#[tokio::test]
async fn a_batch_never_resends_a_write_of_unknown_fate() {
    let server = Server::builder()
        .slow("ref-2", Duration::from_secs(2))
        .start()
        .await;
    let client = client(&server);

    let results = Batch::new((0..5).map(|i| {
        client
            .customer_groups()
            .create(&CustomerGroupCreate::new("G").reference(format!("ref-{i}")))
            .timeout(Duration::from_millis(300))
    }))
    .await;

    for (i, result) in results.iter().enumerate() {
        assert_eq!(result.is_ok(), i != 2, "item {i}: {result:?}");
    }
    assert!(matches!(
        results[2],
        Err(Error::Transport { attempts: 1, .. })
    ));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let creates = server.creates();
    assert_eq!(creates.len(), 5);
    assert!(creates.values().all(|&n| n == 1), "{creates:?}");
}

// At most `concurrency` calls are in flight at once.
#[tokio::test]
async fn a_batch_bounds_its_concurrency() {
    let server = Server::builder()
        .delay(Duration::from_millis(40))
        .start()
        .await;
    let client = client(&server);

    let results = Batch::new((0..24).map(|i| {
        client
            .customer_groups()
            .create(&CustomerGroupCreate::new("G").reference(format!("ref-{i}")))
    }))
    .concurrency(4)
    .run()
    .await;

    assert!(results.iter().all(Result::is_ok));
    let most = server.max_in_flight();
    assert!((2..=4).contains(&most), "{most} in flight at most");
    let one = Batch::new((0..3).map(|i| {
        client
            .customer_groups()
            .create(&CustomerGroupCreate::new("G").reference(format!("one-{i}")))
    }))
    .concurrency(0)
    .stream()
    .collect::<Vec<_>>()
    .await;
    assert_eq!(one.len(), 3, "a concurrency of 0 runs one at a time");
}

// A raw request under the base URL: query parameters, the JSON:API Accept, the token; the
// answer's status, headers and body, decoded or not.
#[tokio::test]
async fn a_raw_request_under_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(
            json_api(200, page_document(vec![group("g1", "VIP")], 1, 1, 1))
                .insert_header("x-request-id", "abc"),
        )
        .mount(&server)
        .await;
    let client = wiremock_client(&server);

    let response = client
        .request(Method::GET, "customer_groups")
        .query("filter[q][name_eq]", "VIP & co")
        .await
        .expect("an answer");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "abc");
    let page: Page<GenericResource> = response.json().expect("a page");
    assert_eq!(page.data[0].id, "g1");
    let value: Value = client
        .request(Method::GET, "customer_groups")
        .decode()
        .await
        .expect("JSON");
    assert_eq!(value["meta"]["record_count"], 1);
    let requests = received(&server).await;
    assert_eq!(
        requests[0].url.query(),
        Some("filter%5Bq%5D%5Bname_eq%5D=VIP%20%26%20co")
    );
    assert_eq!(requests[0].headers["accept"], JSON_API);
    assert_eq!(
        requests[0].headers["authorization"],
        format!("Bearer {ACCESS_TOKEN}").as_str()
    );
}

// A raw request under the host (the Metrics API): its own Accept, a JSON body sent as
// JSON:API; a refusal is the usual error, naming the request, scrubbed of the token; a POST
// answered 500 is not sent again.
#[tokio::test]
async fn a_raw_request_under_the_host() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/metrics/orders/breakdown"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"x": 1}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/metrics/orders/stats"))
        .respond_with(json_api(
            422,
            format!(
                r#"{{"errors":[{{"title":"bad","detail":"token {ACCESS_TOKEN} refused","code":"VALIDATION_ERROR"}}]}}"#
            ),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/metrics/orders/search"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = wiremock_client(&server);

    let value: Value = client
        .request(Method::POST, "/metrics/orders/breakdown")
        .accept(HeaderValue::from_static("application/vnd.api.v1+json"))
        .json(&json!({"breakdown": {"by": "market.name"}}))
        .decode()
        .await
        .expect("the breakdown");
    assert_eq!(value["data"]["x"], 1);
    let request = &received(&server).await[0];
    assert_eq!(request.headers["accept"], "application/vnd.api.v1+json");
    assert_eq!(request.headers["content-type"], JSON_API);
    let body: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(body, json!({"breakdown": {"by": "market.name"}}));

    let error = client
        .request(Method::POST, "/metrics/orders/stats")
        .json(&json!({}))
        .await
        .expect_err("refused");
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    let text = error.to_string();
    assert!(
        text.starts_with("POST /metrics/orders/stats: the API answered 422"),
        "{text}"
    );
    assert!(!text.contains(ACCESS_TOKEN), "{text}");

    let error = client
        .request(Method::POST, "/metrics/orders/search")
        .await
        .expect_err("a server error");
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    let searches = received(&server)
        .await
        .iter()
        .filter(|request| request.url.path() == "/metrics/orders/search")
        .count();
    assert_eq!(searches, 1, "a POST of unknown fate is sent once");
}

// Paths that would leave the API's host, or that are not one path, are refused before
// anything is sent, and the message does not repeat them.
#[tokio::test]
async fn raw_paths_that_are_not_one_path_on_the_api_are_refused() {
    let server = MockServer::start().await;
    let client = wiremock_client(&server);
    let refused = [
        "",
        "/",
        "https://evil.example/api/orders",
        "https:evil.example",
        "//evil.example/api/orders",
        "customer_groups/../orders",
        "customer_groups/%2E%2e/orders",
        "/metrics/./orders",
        "customer_groups?filter=secret",
        "customer_groups#secret",
        "customer groups",
        "customer_groups\r\nX-Injected: secret",
        "customer_groups//x",
        "customer_groups/",
        "customer_groups/%zzsecret",
        "grüße",
    ];
    let long = "a/".repeat(3000);
    for path in refused.iter().copied().chain([long.as_str()]) {
        let error = client
            .request(Method::GET, path)
            .await
            .expect_err("refused");
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{path:?}: {error:?}"
        );
        let text = error.to_string();
        assert!(!text.contains("secret") && !text.contains("evil"), "{text}");
    }
    assert!(received(&server).await.is_empty());
}
