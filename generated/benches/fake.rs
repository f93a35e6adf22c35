//! The fake API under load, through the real client over loopback: 10,000 creates, then
//! 400 filtered and sorted list pages of 25, with the share of the time spent inside the
//! fake's handler (routing, checks, the store, writing the answer) beside a baseline
//! measured in the same run: the round trip of a request the fake answers at once (a 404).
//!
//! `cargo bench -p commercelayer --bench fake --no-default-features --features customer_groups,testing`

use std::time::{Duration, Instant};

use commercelayer::customer_groups::{CustomerGroupCreate, CustomerGroupFilter, CustomerGroupSort};
use commercelayer::jsonapi::GenericResource;
use commercelayer::query::FilterField;
use commercelayer::testing::FakeApi;
use commercelayer::{Client, ListCall};

#[allow(dead_code)]
#[path = "../tests/fake/schemas.rs"]
mod schemas;

const CREATES: usize = 10_000;
const PAGES: u32 = 400;
const BASELINE: usize = 2_000;
/// The references the groups are spread over: each matches a quarter of them.
const REFERENCES: usize = 4;

/// Runs `work`, returning its wall time and the fake's handler time during it.
async fn measure<F: std::future::Future<Output = ()>>(
    fake: &FakeApi,
    work: F,
) -> (Duration, Duration) {
    let handler_before = fake.handler_time();
    let started = Instant::now();
    work.await;
    (started.elapsed(), fake.handler_time() - handler_before)
}

fn report(what: &str, requests: usize, (wall, handler): (Duration, Duration)) {
    let per = |d: Duration| d.as_secs_f64() * 1e6 / requests as f64;
    println!(
        "{what:<44} {requests:>6} requests  {:>8.1} ms  {:>7.1} µs/request  fake's handler {:>7.1} µs/request ({:>4.1}% of the time)",
        wall.as_secs_f64() * 1e3,
        per(wall),
        per(handler),
        100.0 * handler.as_secs_f64() / wall.as_secs_f64(),
    );
}

async fn creates(client: &Client) {
    for n in 0..CREATES {
        client
            .customer_groups()
            .create(
                &CustomerGroupCreate::new(format!("group {n:05}"))
                    .code(format!("g{}", n % 97))
                    .reference(format!("batch-{}", n % REFERENCES)),
            )
            .await
            .expect("a create");
    }
}

async fn pages(client: &Client) {
    let per_reference = (CREATES / REFERENCES).div_ceil(25) as u32;
    for i in 0..PAGES {
        let reference = format!("batch-{}", i as usize % REFERENCES);
        let number = i / REFERENCES as u32 % per_reference + 1;
        let page = client
            .customer_groups()
            .list()
            .filter(CustomerGroupFilter::Reference.eq(reference.as_str()))
            .filter(CustomerGroupFilter::Name.start("group"))
            .sort_desc(CustomerGroupSort::CreatedAt)
            .sort(CustomerGroupSort::Name)
            .page_size(25)
            .page(number)
            .await
            .expect("a page");
        assert_eq!(page.data.len(), 25);
        assert_eq!(page.meta.record_count as usize, CREATES / REFERENCES);
    }
}

async fn baseline(client: &Client) {
    for _ in 0..BASELINE {
        let missing = ListCall::<GenericResource>::list(client, "no_such_resources").await;
        assert!(missing.is_err());
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let fake = FakeApi::builder()
            .resource(&schemas::CUSTOMER_GROUPS)
            .start()
            .await;
        let client = fake.client();
        let base = measure(&fake, baseline(&client)).await;
        let made = measure(&fake, creates(&client)).await;
        let listed = measure(&fake, pages(&client)).await;
        assert_eq!(fake.records("customer_groups").len(), CREATES);
        println!("the fake through the client, over loopback:");
        report("baseline: a 404 answered at once", BASELINE, base);
        report("creates", CREATES, made);
        report(
            "list pages (2 filters, 2 sorts, 25 each)",
            PAGES as usize,
            listed,
        );
    });
}
