//! Lists of customer groups across pages: the counts and links of one page, and walking every
//! page with `stream()` and `pages()`.

mod common;

use commercelayer::Error;
use commercelayer::customer_groups::CustomerGroupFilter;
use commercelayer::query::FilterField;
use futures_util::StreamExt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request};

use common::{
    assert_bodiless, client_for, client_without_retries, group, json_api, only_request,
    page_document, received,
};

/// The page links `page_document` writes.
const PAGE_URL: &str = "https://yourdomain.commercelayer.io/api/customer_groups?page%5Bnumber%5D=";

/// A server listing five customer groups, two a page, over three pages. Asked for a page past
/// the last it still answers a group, so only `page_count` can end a walk.
async fn three_page_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(|request: &Request| {
            let number = request
                .url
                .query_pairs()
                .find(|(key, _)| key == "page[number]")
                .map_or(1, |(_, value)| value.parse().expect("a page number"));
            let ids: &[&str] = match number {
                1 => &["g1", "g2"],
                2 => &["g3", "g4"],
                3 => &["g5"],
                _ => &["past-the-last-page"],
            };
            let groups = ids.iter().map(|id| group(id, "VIP")).collect();
            json_api(200, page_document(groups, number, 3, 5))
        })
        .mount(&server)
        .await;
    server
}

/// Asserts the server received one list request per expected query, in order.
async fn assert_list_requests(server: &MockServer, queries: &[&str]) {
    let requests = received(server).await;
    assert_eq!(requests.len(), queries.len(), "{requests:#?}");
    for (request, query) in requests.iter().zip(queries) {
        assert_bodiless(request, "GET", "/api/customer_groups", Some(query));
    }
}

// A page carries the list's record and page counts and its first, prev, next and last links.
#[tokio::test]
async fn a_page_carries_its_counts_and_links() {
    let server = three_page_server().await;
    let groups = client_for(&server).customer_groups();

    let middle = groups.list().page(2).await.expect("page 2 decodes");
    let last = groups.list().page(3).await.expect("page 3 decodes");

    assert_eq!(middle.meta.record_count, 5);
    assert_eq!(middle.meta.page_count, 3);
    let link = |n: u32| Some(format!("{PAGE_URL}{n}"));
    assert_eq!(middle.links.first, link(1));
    assert_eq!(middle.links.prev, link(1));
    assert_eq!(middle.links.next, link(3));
    assert_eq!(middle.links.last, link(3));
    assert_eq!(last.links.prev, link(2));
    assert_eq!(last.links.next, None, "the last page has no next link");
}

// stream() yields every group of every page in order, keeps the call's options on each page, and stops at page_count.
#[tokio::test]
async fn stream_walks_every_page_in_order_and_stops_at_page_count() {
    let server = three_page_server().await;

    let ids: Vec<String> = client_for(&server)
        .customer_groups()
        .list()
        .filter(CustomerGroupFilter::Name.eq("VIP"))
        .page_size(2)
        .stream()
        .map(|group| group.expect("every page decodes").id)
        .collect()
        .await;

    assert_eq!(ids, ["g1", "g2", "g3", "g4", "g5"]);
    assert_list_requests(
        &server,
        &[
            "filter%5Bq%5D%5Bname_eq%5D=VIP&page%5Bsize%5D=2",
            "filter%5Bq%5D%5Bname_eq%5D=VIP&page%5Bnumber%5D=2&page%5Bsize%5D=2",
            "filter%5Bq%5D%5Bname_eq%5D=VIP&page%5Bnumber%5D=3&page%5Bsize%5D=2",
        ],
    )
    .await;
}

// pages() yields one page per page[number] 1, 2, 3, each with its own groups and the list's counts.
#[tokio::test]
async fn pages_yields_each_page_once() {
    let server = three_page_server().await;

    let pages: Vec<_> = client_for(&server)
        .customer_groups()
        .list()
        .page(1)
        .page_size(2)
        .pages()
        .map(|page| page.expect("every page decodes"))
        .collect()
        .await;

    let ids: Vec<Vec<&str>> = pages
        .iter()
        .map(|page| page.data.iter().map(|group| group.id.as_str()).collect())
        .collect();
    assert_eq!(ids, [vec!["g1", "g2"], vec!["g3", "g4"], vec!["g5"]]);
    for page in &pages {
        assert_eq!((page.meta.record_count, page.meta.page_count), (5, 3));
    }
    assert_list_requests(
        &server,
        &[
            "page%5Bnumber%5D=1&page%5Bsize%5D=2",
            "page%5Bnumber%5D=2&page%5Bsize%5D=2",
            "page%5Bnumber%5D=3&page%5Bsize%5D=2",
        ],
    )
    .await;
}

// An empty list streams nothing, after a single request.
#[tokio::test]
async fn an_empty_list_streams_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(200, page_document(vec![], 1, 0, 0)))
        .mount(&server)
        .await;

    let items: Vec<_> = client_for(&server)
        .customer_groups()
        .list()
        .stream()
        .collect()
        .await;

    assert!(items.is_empty(), "{items:?}");
    let request = only_request(&server).await;
    assert_bodiless(&request, "GET", "/api/customer_groups", None);
}

// A failing page ends the stream: the groups before it, then its error, then nothing.
#[tokio::test]
async fn a_failing_page_ends_the_stream() {
    let server = three_page_server().await;
    Mock::given(method("GET"))
        .and(query_param("page[number]", "2"))
        .respond_with(json_api(
            500,
            r#"{"errors":[{"title":"Internal server error","status":"500"}]}"#,
        ))
        .with_priority(1)
        .mount(&server)
        .await;

    // Without retries: a 500 to a GET is otherwise sent again (see tests/transport.rs).
    let items: Vec<_> = client_without_retries(&server)
        .customer_groups()
        .list()
        .page_size(2)
        .stream()
        .collect()
        .await;

    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().expect("g1 decodes").id, "g1");
    assert_eq!(items[1].as_ref().expect("g2 decodes").id, "g2");
    assert!(
        matches!(&items[2], Err(Error::Api { status, .. }) if status.as_u16() == 500),
        "{:?}",
        items[2]
    );
    assert_list_requests(
        &server,
        &["page%5Bsize%5D=2", "page%5Bnumber%5D=2&page%5Bsize%5D=2"],
    )
    .await;
}

// Walking pages from the largest page number yields that page and ends, instead of overflowing.
#[tokio::test]
async fn pages_from_the_largest_page_number_end_without_overflow() {
    let last = u64::from(u32::MAX);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups"))
        .respond_with(json_api(
            200,
            page_document(vec![group("g1", "VIP")], last, last, last),
        ))
        .mount(&server)
        .await;

    let pages: Vec<_> = client_for(&server)
        .customer_groups()
        .list()
        .page(u32::MAX)
        .pages()
        .collect()
        .await;

    assert_eq!(pages.len(), 1, "{pages:?}");
    assert_list_requests(&server, &["page%5Bnumber%5D=4294967295"]).await;
}
