//! What decoding and encoding cost: `cargo bench -p commercelayer --bench decode`.
//!
//! Each decoding is measured beside the same bytes decoded by serde_json into a minimal
//! hand-written struct holding the same information with the same types (the practical
//! limit), and into `serde_json::Value`. divan prints the figures; a last table gives the
//! ratios to the hand-written struct, measured in the same run.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Utc};
use commercelayer::customer_groups::{CustomerGroup, CustomerGroupCreate};
use commercelayer::{Client, Document, Page};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `201 Created` body of the API's "Create a customer group" page.
const SEED_RESPONSE: &str = include_str!("data/seed_response.json");

/// A page of 25 customer groups: the seed's group, 25 times, each with its own id and name.
fn list_page() -> String {
    let seed: Value = serde_json::from_str(SEED_RESPONSE).unwrap();
    let items: Vec<Value> = (0..25)
        .map(|i| {
            let mut item = seed["data"].clone();
            item["id"] = Value::from(format!("group{i:04}"));
            item["attributes"]["name"] = Value::from(format!("Group {i}"));
            item
        })
        .collect();
    serde_json::json!({
        "data": items,
        "meta": {"record_count": 100, "page_count": 4},
        "links": {
            "first": "https://yourdomain.commercelayer.io/api/customer_groups?page%5Bnumber%5D=1&page%5Bsize%5D=25",
            "next": "https://yourdomain.commercelayer.io/api/customer_groups?page%5Bnumber%5D=2&page%5Bsize%5D=25",
            "last": "https://yourdomain.commercelayer.io/api/customer_groups?page%5Bnumber%5D=4&page%5Bsize%5D=25"
        }
    })
    .to_string()
}

/// The hand-written comparison: the same fields and types as the generated client keeps.
/// They are decoded to be measured and never read.
#[allow(dead_code)]
mod hand_written {
    use super::*;

    #[derive(Deserialize)]
    pub struct Single {
        pub data: Group,
    }

    #[derive(Deserialize)]
    pub struct List {
        pub data: Vec<Group>,
        pub meta: ListMeta,
        #[serde(default)]
        pub links: BTreeMap<String, String>,
    }

    #[derive(Deserialize)]
    pub struct ListMeta {
        pub record_count: u64,
        pub page_count: u64,
    }

    #[derive(Deserialize)]
    pub struct Group {
        pub id: String,
        pub links: Links,
        pub attributes: Attributes,
        pub relationships: Relationships,
        pub meta: Meta,
    }

    #[derive(Deserialize)]
    pub struct Links {
        #[serde(rename = "self")]
        pub self_: Option<String>,
        pub related: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Attributes {
        pub name: Option<String>,
        pub code: Option<String>,
        pub created_at: Option<DateTime<Utc>>,
        pub updated_at: Option<DateTime<Utc>>,
        pub reference: Option<String>,
        pub reference_origin: Option<String>,
        pub metadata: Option<Map<String, Value>>,
    }

    #[derive(Deserialize)]
    pub struct Relationships {
        pub customers: Option<Relationship>,
        pub markets: Option<Relationship>,
        pub attachments: Option<Relationship>,
        pub versions: Option<Relationship>,
        pub event_stores: Option<Relationship>,
    }

    #[derive(Deserialize)]
    pub struct Relationship {
        pub links: Option<Links>,
    }

    #[derive(Deserialize)]
    pub struct Meta {
        pub mode: Option<String>,
    }

    #[derive(Serialize)]
    pub struct Create<'a> {
        pub data: CreateData<'a>,
    }

    #[derive(Serialize)]
    pub struct CreateData<'a> {
        #[serde(rename = "type")]
        pub type_: &'a str,
        pub attributes: CreateAttributes<'a>,
    }

    #[derive(Serialize)]
    pub struct CreateAttributes<'a> {
        pub name: &'a str,
    }
}

fn decode_single_typed(bytes: &[u8]) -> Document<CustomerGroup> {
    serde_json::from_slice(bytes).unwrap()
}

fn decode_single_hand_written(bytes: &[u8]) -> hand_written::Single {
    serde_json::from_slice(bytes).unwrap()
}

fn decode_list_typed(bytes: &[u8]) -> Page<CustomerGroup> {
    serde_json::from_slice(bytes).unwrap()
}

fn decode_list_hand_written(bytes: &[u8]) -> hand_written::List {
    serde_json::from_slice(bytes).unwrap()
}

fn decode_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn client() -> Client {
    Client::new("http://127.0.0.1:9/api", "bench-token").unwrap()
}

/// The seed's create: the generated client's call, body encoded.
fn encode_typed(
    client: &Client,
    body: &CustomerGroupCreate,
) -> commercelayer::ItemCall<CustomerGroup> {
    client.customer_groups().create(body)
}

/// The seed's create body, hand-serialized.
fn encode_hand_written() -> Vec<u8> {
    serde_json::to_vec(&hand_written::Create {
        data: hand_written::CreateData {
            type_: "customer_groups",
            attributes: hand_written::CreateAttributes { name: "VIP" },
        },
    })
    .unwrap()
}

mod seed_single {
    use super::*;

    #[divan::bench]
    fn typed(b: divan::Bencher) {
        b.bench(|| decode_single_typed(black_box(SEED_RESPONSE.as_bytes())));
    }

    #[divan::bench]
    fn hand_written(b: divan::Bencher) {
        b.bench(|| decode_single_hand_written(black_box(SEED_RESPONSE.as_bytes())));
    }

    #[divan::bench]
    fn value(b: divan::Bencher) {
        b.bench(|| decode_value(black_box(SEED_RESPONSE.as_bytes())));
    }
}

mod list_page_25 {
    use super::*;

    #[divan::bench]
    fn typed(b: divan::Bencher) {
        let page = list_page();
        b.bench(|| decode_list_typed(black_box(page.as_bytes())));
    }

    #[divan::bench]
    fn hand_written(b: divan::Bencher) {
        let page = list_page();
        b.bench(|| decode_list_hand_written(black_box(page.as_bytes())));
    }

    #[divan::bench]
    fn value(b: divan::Bencher) {
        let page = list_page();
        b.bench(|| decode_value(black_box(page.as_bytes())));
    }
}

mod encode_seed_create {
    use super::*;

    #[divan::bench]
    fn typed_call(b: divan::Bencher) {
        let client = client();
        let body = CustomerGroupCreate::new("VIP");
        b.bench(|| encode_typed(&client, black_box(&body)));
    }

    #[divan::bench]
    fn hand_written(b: divan::Bencher) {
        b.bench(encode_hand_written);
    }
}

/// Nanoseconds per call of `f`: the median of 21 samples of about 20 ms each.
fn per_call(mut f: impl FnMut()) -> f64 {
    let mut iterations = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        if start.elapsed().as_millis() >= 20 {
            break;
        }
        iterations *= 2;
    }
    let mut samples: Vec<f64> = (0..21)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed().as_nanos() as f64 / iterations as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn ratios() {
    let page = list_page();
    let client = client();
    let body = CustomerGroupCreate::new("VIP");
    let rows = [
        (
            "decode the seed's 201 response",
            per_call(|| {
                drop(black_box(decode_single_typed(black_box(
                    SEED_RESPONSE.as_bytes(),
                ))))
            }),
            per_call(|| {
                drop(black_box(decode_single_hand_written(black_box(
                    SEED_RESPONSE.as_bytes(),
                ))))
            }),
            Some(per_call(|| {
                drop(black_box(decode_value(black_box(SEED_RESPONSE.as_bytes()))))
            })),
        ),
        (
            "decode a 25-item list page",
            per_call(|| drop(black_box(decode_list_typed(black_box(page.as_bytes()))))),
            per_call(|| {
                drop(black_box(decode_list_hand_written(black_box(
                    page.as_bytes(),
                ))))
            }),
            Some(per_call(|| {
                drop(black_box(decode_value(black_box(page.as_bytes()))))
            })),
        ),
        (
            "encode the seed's create request",
            per_call(|| drop(black_box(encode_typed(&client, black_box(&body))))),
            per_call(|| drop(black_box(encode_hand_written()))),
            None,
        ),
    ];
    println!();
    println!("ratios to the hand-written struct, same run (median of 21 samples):");
    println!(
        "{:<34} {:>12} {:>14} {:>12} {:>9} {:>9}",
        "", "client ns", "hand-written ns", "Value ns", "client", "Value"
    );
    for (what, typed, hand, value) in rows {
        let value_ns = value.map_or("-".to_string(), |v| format!("{v:.0}"));
        let value_ratio = value.map_or("-".to_string(), |v| format!("{:.2}x", v / hand));
        println!(
            "{what:<34} {typed:>12.0} {hand:>15.0} {value_ns:>12} {:>8.2}x {value_ratio:>9}",
            typed / hand
        );
    }
}

fn main() {
    // The figures must come from the same bytes: check that every decoder reads them.
    let typed = decode_single_typed(SEED_RESPONSE.as_bytes());
    let hand = decode_single_hand_written(SEED_RESPONSE.as_bytes());
    assert_eq!(
        typed.data.attributes.created_at,
        hand.data.attributes.created_at
    );
    assert_eq!(decode_list_typed(list_page().as_bytes()).data.len(), 25);
    assert_eq!(
        decode_list_hand_written(list_page().as_bytes()).data.len(),
        25
    );
    assert_eq!(
        encode_hand_written(),
        br#"{"data":{"type":"customer_groups","attributes":{"name":"VIP"}}}"#
    );

    divan::main();
    ratios();
}
