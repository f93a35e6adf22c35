//! Lists: Ransack filters, sorting, paging, sparse fieldsets, against the examples of the
//! vendor's "Filtering data", "Sorting results" and "Pagination" pages
//! (docs.commercelayer.io/core/filtering-data, /core/sorting-results, /core/pagination).

use commercelayer::customer_groups::{
    CustomerGroup, CustomerGroupField, CustomerGroupFilter, CustomerGroupSort,
};
use commercelayer::jsonapi::GenericResource;
use commercelayer::query::{Direction, FilterField};
use commercelayer::testing::FakeApi;
use commercelayer::{Client, ListCall, Page};
use futures_util::TryStreamExt;
use serde_json::json;

use super::{fake, only_error};

/// Seeds customer groups by `(name, code)`, in order; returns their ids.
fn seed_groups(fake: &FakeApi, groups: &[(&str, Option<&str>)]) -> Vec<String> {
    groups
        .iter()
        .map(|(name, code)| {
            fake.insert("customer_groups", json!({"name": name, "code": code}))
                .unwrap()
        })
        .collect()
}

fn names(page: &Page<CustomerGroup>) -> Vec<&str> {
    page.data
        .iter()
        .map(|g| g.attributes.name.as_deref().unwrap_or("<null>"))
        .collect()
}

/// The names of the customer groups matching one raw `filter[q]` condition, all on one page.
async fn filtered(client: &Client, key: &str, value: &str) -> Vec<String> {
    let page = client
        .customer_groups()
        .list()
        .filter_raw(key, value)
        .page_size(25)
        .await
        .unwrap_or_else(|e| panic!("{key}={value}: {e}"));
    names(&page).into_iter().map(String::from).collect()
}

/// The ids of the orders matching one raw condition.
async fn orders_matching(client: &Client, key: &str, value: &str) -> Vec<String> {
    let page: Page<GenericResource> = ListCall::list(client, "orders")
        .filter_raw(key, value)
        .page_size(25)
        .await
        .unwrap_or_else(|e| panic!("{key}={value}: {e}"));
    page.data.into_iter().map(|o| o.id).collect()
}

// Each predicate the client can send, on strings, with Ransack's semantics: `eq` exact, the
// `LIKE` family case-insensitive, `null` never equal nor unequal.
#[tokio::test]
async fn string_predicates_match_as_ransack_does() {
    let fake = fake().await;
    seed_groups(
        &fake,
        &[
            ("red handbag", Some("RH")),
            ("Red Shoes", Some("rs")),
            ("blue handbag", None),
            ("Pink Logo tee", Some("")),
        ],
    );
    let client = fake.client();
    let cases: &[(&str, &str, &[&str])] = &[
        // The vendor's first example: `filter[q][name_eq]=red+handbag`.
        ("name_eq", "red handbag", &["red handbag"]),
        ("name_eq", "Red Handbag", &[]),
        (
            "name_not_eq",
            "red handbag",
            &["Red Shoes", "blue handbag", "Pink Logo tee"],
        ),
        ("name_cont", "HANDBAG", &["red handbag", "blue handbag"]),
        ("name_not_cont", "handbag", &["Red Shoes", "Pink Logo tee"]),
        ("name_start", "red", &["red handbag", "Red Shoes"]),
        ("name_end", "bag", &["red handbag", "blue handbag"]),
        (
            "name_in",
            "Red Shoes,blue handbag",
            &["Red Shoes", "blue handbag"],
        ),
        (
            "name_not_in",
            "Red Shoes,blue handbag",
            &["red handbag", "Pink Logo tee"],
        ),
        // `filter[q][name_matches_all]=%Pink%,%Logo%`, from the vendor's list.
        ("name_matches_all", "%Pink%,%Logo%", &["Pink Logo tee"]),
        ("name_matches", "%shoe_", &["Red Shoes"]),
        ("name_lt", "Red", &["Pink Logo tee"]),
        ("name_gteq", "red handbag", &["red handbag"]),
        // `null` is neither equal nor unequal to anything.
        ("code_not_eq", "RH", &["Red Shoes", "Pink Logo tee"]),
        (
            "code_not_eq_or_null",
            "RH",
            &["Red Shoes", "blue handbag", "Pink Logo tee"],
        ),
        ("code_eq_or_null", "RH", &["red handbag", "blue handbag"]),
        ("code_null", "true", &["blue handbag"]),
        (
            "code_null",
            "false",
            &["red handbag", "Red Shoes", "Pink Logo tee"],
        ),
        (
            "code_not_null",
            "true",
            &["red handbag", "Red Shoes", "Pink Logo tee"],
        ),
        ("code_present", "true", &["red handbag", "Red Shoes"]),
        ("code_blank", "true", &["blue handbag", "Pink Logo tee"]),
        // Attributes joined by `_or_` are ORed.
        ("name_or_code_cont", "rs", &["Red Shoes"]),
        ("name_or_code_cont", "rh", &["red handbag"]),
        // Ransack drops a condition without a value, or a predicate's non-boolean flag.
        (
            "name_eq",
            "",
            &["red handbag", "Red Shoes", "blue handbag", "Pink Logo tee"],
        ),
        (
            "code_null",
            "maybe",
            &["red handbag", "Red Shoes", "blue handbag", "Pink Logo tee"],
        ),
    ];
    for (key, value, expected) in cases {
        assert_eq!(
            filtered(&client, key, value).await,
            *expected,
            "{key}={value}"
        );
    }
    // Several filters are ANDed, and the typed filters send the same keys.
    let page = client
        .customer_groups()
        .list()
        .filter(CustomerGroupFilter::Name.cont("handbag"))
        .filter(CustomerGroupFilter::Code.not_null())
        .await
        .unwrap();
    assert_eq!(names(&page), ["red handbag"]);
}

// Numbers, booleans, times and enums compare as their types; `id` and to-one relationships
// filter too.
#[tokio::test]
async fn typed_predicates_compare_as_their_types() {
    let fake = fake().await;
    let market = fake.insert("markets", json!({"name": "Europe"})).unwrap();
    let seed =
        |status: &str, total: i64, guest: Option<bool>, placed_at: Option<&str>, email: &str| {
            fake.insert(
                "orders",
                json!({
                    "status": status,
                    "total_amount_cents": total,
                    "guest": guest,
                    "placed_at": placed_at,
                    "customer_email": email,
                }),
            )
            .unwrap()
        };
    let draft = seed("draft", 900, Some(true), None, "ann@gmail.com");
    let placed = seed(
        "placed",
        10000,
        Some(false),
        Some("2024-03-01T10:00:00.000Z"),
        "bob@hotmail.com",
    );
    let approved = seed(
        "approved",
        2500,
        None,
        Some("2024-06-01T10:00:00.000Z"),
        "cy@gmail.com",
    );
    fake.link(
        "orders",
        &placed,
        "market",
        [commercelayer::jsonapi::ResourceIdentifier::new(
            "markets",
            market.clone(),
        )],
    )
    .unwrap();
    let client = fake.client();
    let cases: Vec<(&str, String, Vec<&String>)> = vec![
        // `filter[q][status_not_eq]=prospect`-like: an enum compared as text.
        ("status_not_eq", "draft".into(), vec![&placed, &approved]),
        (
            "status_in",
            "draft,approved".into(),
            vec![&draft, &approved],
        ),
        // 900 < 2500 < 10000 as numbers (as text, "10000" < "2500" < "900").
        ("total_amount_cents_gt", "2500".into(), vec![&placed]),
        (
            "total_amount_cents_lteq",
            "2500".into(),
            vec![&draft, &approved],
        ),
        ("total_amount_cents_lt", "1000.5".into(), vec![&draft]),
        (
            "total_amount_cents_in",
            "900,10000".into(),
            vec![&draft, &placed],
        ),
        ("guest_true", "true".into(), vec![&draft]),
        ("guest_false", "true".into(), vec![&placed]),
        // `_true=false` is `!= true`: never `null`.
        ("guest_true", "false".into(), vec![&placed]),
        ("guest_eq", "false".into(), vec![&placed]),
        (
            "placed_at_gt",
            "2024-03-01T10:00:00Z".into(),
            vec![&approved],
        ),
        (
            "placed_at_gteq",
            "2024-03-01T11:00:00+01:00".into(),
            vec![&placed, &approved],
        ),
        ("placed_at_lt", "2024-04-01".into(), vec![&placed]),
        ("placed_at_null", "true".into(), vec![&draft]),
        // `filter[q][email_matches]=%@gmail.com`, from the vendor's list.
        (
            "customer_email_matches",
            "%@gmail.com".into(),
            vec![&draft, &approved],
        ),
        (
            "customer_email_does_not_match",
            "%@hotmail.com".into(),
            vec![&draft, &approved],
        ),
        ("id_eq", placed.clone(), vec![&placed]),
        (
            "id_in",
            format!("{draft},{approved}"),
            vec![&draft, &approved],
        ),
        ("id_not_in", format!("{draft},{approved}"), vec![&placed]),
        ("market_id_eq", market.clone(), vec![&placed]),
        ("market_id_null", "true".into(), vec![&draft, &approved]),
    ];
    for (key, value, expected) in cases {
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(
            orders_matching(&client, key, &value).await,
            expected,
            "{key}={value}"
        );
    }
    // `id_gt` compares ids as text.
    let mut ids = [draft.clone(), placed.clone(), approved.clone()];
    ids.sort();
    let above = orders_matching(&client, "id_gt", &ids[0]).await;
    assert_eq!(above.len(), 2);
    assert!(!above.contains(&ids[0]));
}

// Filters on attributes that are not filterable, and values of the wrong type, are 400s.
#[tokio::test]
async fn filters_the_api_refuses_are_400s() {
    let fake = fake().await;
    let client = fake.client();
    for (key, value, code) in [
        ("skus_count_eq", "1", "FILTER_NOT_ALLOWED"),
        ("colour_eq", "red", "FILTER_NOT_ALLOWED"),
        ("customer_id_id_eq", "x", "FILTER_NOT_ALLOWED"),
        ("total_amount_cents_gt", "lots", "INVALID_FILTER_VALUE"),
        ("placed_at_gt", "yesterday", "INVALID_FILTER_VALUE"),
    ] {
        let error = ListCall::<GenericResource>::list(&client, "orders")
            .filter_raw(key, value)
            .await
            .unwrap_err();
        let (status, object) = only_error(&error);
        assert_eq!(
            (status, object["code"].as_str()),
            (400, Some(code)),
            "{key}"
        );
    }
}

// `sort=-created_at,code` (the vendor's example) and `sort=code`: descending with `-`,
// later keys breaking ties, `null` last ascending and first descending.
#[tokio::test]
async fn sorting_follows_the_vendor_examples() {
    let fake = fake().await;
    let day = |d: u32| format!("2018-01-0{d}T12:00:00.000Z");
    for (name, code, created) in [
        ("a", Some("B"), day(1)),
        ("b", Some("A"), day(2)),
        ("c", None, day(2)),
        ("d", Some("C"), day(1)),
    ] {
        fake.insert(
            "customer_groups",
            json!({"name": name, "code": code, "created_at": created}),
        )
        .unwrap();
    }
    let client = fake.client();
    let sorted = |sort: &'static str| {
        let client = client.clone();
        async move {
            let page = client
                .customer_groups()
                .list()
                .sort_raw(
                    sort.trim_start_matches('-'),
                    if sort.starts_with('-') {
                        Direction::Descending
                    } else {
                        Direction::Ascending
                    },
                )
                .await
                .unwrap();
            names(&page)
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(sorted("code").await, ["b", "a", "d", "c"]);
    assert_eq!(sorted("-code").await, ["c", "d", "a", "b"]);
    let page = client
        .customer_groups()
        .list()
        .sort_desc(CustomerGroupSort::CreatedAt)
        .sort(CustomerGroupSort::Code)
        .await
        .unwrap();
    assert_eq!(names(&page), ["b", "c", "a", "d"]);
    assert_eq!(
        fake.requests().last().unwrap().query,
        "sort=-created_at,code"
    );
    // No sort: creation order.
    let page = client.customer_groups().list().await.unwrap();
    assert_eq!(names(&page), ["a", "b", "c", "d"]);

    let error = client
        .customer_groups()
        .list()
        .sort_raw("metadata", Direction::Ascending)
        .await
        .unwrap_err();
    let (status, object) = only_error(&error);
    assert_eq!(
        (status, object["code"].as_str()),
        (400, Some("INVALID_SORT_CRITERIA"))
    );
}

// 140 records make 14 pages of the default 10, with `meta` and `links` as the vendor's
// pagination page shows them; `page[size]=5&page[number]=3` answers the 11th to 15th.
#[tokio::test]
async fn paging_follows_the_vendor_example() {
    let fake = fake().await;
    let ids: Vec<String> = (1..=140)
        .map(|n| {
            fake.insert("customer_groups", json!({"name": format!("group {n:03}")}))
                .unwrap()
        })
        .collect();
    let client = fake.client();
    let first = client.customer_groups().list().await.unwrap();
    assert_eq!((first.meta.record_count, first.meta.page_count), (140, 14));
    assert_eq!(first.data.len(), 10);
    let url = |query: &str| format!("{}/customer_groups?{query}", fake.base_url());
    assert_eq!(first.links.first, Some(url("page[number]=1&page[size]=10")));
    assert_eq!(first.links.prev, None);
    assert_eq!(first.links.next, Some(url("page[number]=2&page[size]=10")));
    assert_eq!(first.links.last, Some(url("page[number]=14&page[size]=10")));

    // (The vendor's page says this page holds "the 6th object to the 10th"; page 3 of 5 is
    // the 11th to the 15th.)
    let third = client
        .customer_groups()
        .list()
        .page_size(5)
        .page(3)
        .await
        .unwrap();
    let got: Vec<&str> = third.data.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        got,
        ids[10..15].iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!((third.meta.record_count, third.meta.page_count), (140, 28));
    assert_eq!(third.links.prev, Some(url("page[number]=2&page[size]=5")));
    assert_eq!(third.links.next, Some(url("page[number]=4&page[size]=5")));

    // Other parameters stay in the links, as sent.
    let sorted = client
        .customer_groups()
        .list()
        .sort_desc(CustomerGroupSort::Name)
        .page_size(25)
        .await
        .unwrap();
    assert_eq!(
        sorted.links.next,
        Some(url("sort=-name&page[number]=2&page[size]=25"))
    );
    assert_eq!(sorted.data[0].attributes.name.as_deref(), Some("group 140"));

    // Past the end: no data, the same counts.
    let beyond = client.customer_groups().list().page(15).await.unwrap();
    assert!(beyond.data.is_empty());
    assert_eq!(beyond.meta.record_count, 140);

    // `.stream()` walks every page.
    let all: Vec<CustomerGroup> = client
        .customer_groups()
        .list()
        .page_size(25)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 140);

    // A page size the client would not send is refused by the fake too.
    for query in ["page[size]=26", "page[number]=0", "page[size]=ten"] {
        let (key, value) = query.split_once('=').unwrap();
        let error = client
            .customer_groups()
            .list()
            .param(key, value)
            .await
            .unwrap_err();
        let (status, object) = only_error(&error);
        assert_eq!(
            (status, object["code"].as_str()),
            (400, Some("INVALID_PAGE_VALUE")),
            "{query}"
        );
    }
}

// `fields[customer_groups]=name` answers only that attribute and no relationship.
#[tokio::test]
async fn sparse_fieldsets_leave_out_the_rest() {
    let fake = fake().await;
    let id = fake
        .insert("customer_groups", json!({"name": "VIP", "code": "vip"}))
        .unwrap();
    let client = fake.client();
    let group = client
        .customer_groups()
        .retrieve(&id)
        .fields([CustomerGroupField::Name])
        .await
        .unwrap()
        .data;
    assert_eq!(group.attributes.name.as_deref(), Some("VIP"));
    assert_eq!(group.attributes.code, None);
    assert!(group.relationships.markets.is_none());
    let raw = fake.requests().last().unwrap().clone();
    assert_eq!(raw.query, "fields%5Bcustomer_groups%5D=name");

    let page: Page<GenericResource> = ListCall::list(&client, "customer_groups")
        .fields_raw("customer_groups", ["code", "markets"])
        .await
        .unwrap();
    let keys: Vec<&String> = page.data[0].attributes.keys().collect();
    assert_eq!(keys, ["code"]);
    assert_eq!(
        page.data[0].relationships.keys().collect::<Vec<_>>(),
        ["markets"]
    );

    let error = client
        .customer_groups()
        .list()
        .fields_raw("customer_groups", ["colour"])
        .await
        .unwrap_err();
    assert_eq!(only_error(&error).1["code"], "INVALID_FIELD");
}
