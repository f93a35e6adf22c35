//! Bulk work at the API's documented test-mode rate limits, against a loopback server that
//! enforces them (sliding windows: 100 requests a minute over each class of requests, 25 in
//! 10 s for each endpoint; `429` beyond): fetching 2,500 customer groups through `all()`,
//! and creating 500 through a `Batch`. Each is printed beside the least time the limits
//! allow for its requests, computed in the same run, with the server's count of `429`s and
//! duplicates.
//!
//! `cargo bench -p commercelayer --bench bulk --no-default-features --features customer_groups`
//!
//! At the real scale it takes about five minutes. `COMMERCELAYER_BULK_COMPRESSION=20`
//! divides every window by 20, the server's and the client's alike (its limits and its
//! margin), for a run of about fifteen seconds; the factor must divide 60, since the server
//! reports its interval in whole seconds.

#[path = "../tests/bulk_server/mod.rs"]
mod bulk_server;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use commercelayer::customer_groups::CustomerGroupCreate;
use commercelayer::pacing::{ApiMode, ClassLimits, DEFAULT_PACING_MARGIN, RequestClass, Window};
use commercelayer::{Batch, Client, Pacing, TryStreamExt};

use bulk_server::{Limits, Server};

const RECORDS: usize = 2_500;
const WRITES: usize = 500;
const PAGE_SIZE: usize = 25;

/// The earliest moment (from the first) the last of `n` requests can go under the sliding
/// windows of `limits`: each request goes at the first moment both windows have room, which
/// is the best any schedule can do.
fn least_time(n: usize, limits: &Limits) -> Duration {
    let (average, average_per) = (limits.average.0 as usize, limits.average.1);
    let (burst, burst_per) = (limits.burst.0 as usize, limits.burst.1);
    let mut at: Vec<Duration> = Vec::with_capacity(n);
    for k in 0..n {
        let mut t = Duration::ZERO;
        if k >= average {
            t = t.max(at[k - average] + average_per);
        }
        if k >= burst {
            t = t.max(at[k - burst] + burst_per);
        }
        at.push(t);
    }
    at.last().copied().unwrap_or_default()
}

/// `n` requests at the average rate alone: the figure the limits suggest at a glance.
fn at_the_average_rate(n: usize, limits: &Limits) -> Duration {
    limits.average.1 * n as u32 / limits.average.0
}

fn pacing(compression: u32) -> Pacing {
    if compression == 1 {
        return Pacing::documented();
    }
    let mut pacing = Pacing::documented().margin(DEFAULT_PACING_MARGIN / compression);
    for class in [
        RequestClass::CacheableRead,
        RequestClass::Read,
        RequestClass::Write,
    ] {
        let documented = ClassLimits::documented(ApiMode::Test, class);
        let scaled = |window: Window| Window::new(window.requests(), window.per() / compression);
        pacing = pacing.limits(
            ApiMode::Test,
            class,
            ClassLimits::new(scaled(documented.average), scaled(documented.burst)),
        );
    }
    pacing
}

fn client(server: &Server, compression: u32) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .access_token("bench-token")
        .pacing(pacing(compression))
        .build()
        .expect("a client")
}

fn report(what: &str, requests: usize, measured: Duration, limits: &Limits, throttled: usize) {
    let least = least_time(requests, limits);
    println!(
        "{what:<34} {requests:>4} requests  {:>8.2} s  least the limits allow {:>7.2} s  \
         ({:.3}x; target 1.1x)  at the average rate {:>7.2} s  429s: {throttled}",
        measured.as_secs_f64(),
        least.as_secs_f64(),
        measured.as_secs_f64() / least.as_secs_f64(),
        at_the_average_rate(requests, limits).as_secs_f64(),
    );
}

async fn fetch(compression: u32) {
    let limits = Limits::test_mode(compression);
    let server = Server::builder()
        .records(RECORDS)
        .limits(limits.clone())
        .start()
        .await;
    let client = client(&server, compression);

    let started = Instant::now();
    let ids: Vec<String> = client
        .customer_groups()
        .list()
        .all()
        .map_ok(|group| group.id)
        .try_collect()
        .await
        .expect("every group");
    let elapsed = started.elapsed();

    let requests = server.seen().len();
    assert_eq!(ids.len(), RECORDS);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        RECORDS,
        "no record twice"
    );
    assert_eq!(
        requests,
        RECORDS.div_ceil(PAGE_SIZE),
        "no request past the end"
    );
    report(
        "fetch 2,500 with all()",
        requests,
        elapsed,
        &limits,
        server.throttled(),
    );
}

async fn write(compression: u32) {
    let limits = Limits::test_mode(compression);
    let server = Server::builder().limits(limits.clone()).start().await;
    let client = client(&server, compression);

    let started = Instant::now();
    let results = Batch::new((0..WRITES).map(|i| {
        client
            .customer_groups()
            .create(&CustomerGroupCreate::new(format!("group {i}")).reference(format!("bench-{i}")))
    }))
    .await;
    let elapsed = started.elapsed();

    let failed = results.iter().filter(|result| result.is_err()).count();
    let stored = server.stored_by_reference();
    let duplicates: usize = stored.values().map(|n| n - 1).sum();
    let sent_twice = server.creates().values().filter(|&&n| n > 1).count();
    assert_eq!(failed, 0, "every create succeeds");
    assert_eq!(stored.len(), WRITES);
    report(
        "create 500 with Batch (8 at once)",
        server.seen().len(),
        elapsed,
        &limits,
        server.throttled(),
    );
    println!(
        "{:<34} duplicates stored: {duplicates}, creates sent more than once: {sent_twice}",
        ""
    );
}

fn main() {
    let compression: u32 = std::env::var("COMMERCELAYER_BULK_COMPRESSION")
        .ok()
        .map(|value| value.parse().expect("a whole number"))
        .unwrap_or(1);
    assert!(
        compression >= 1 && 60 % compression == 0,
        "COMMERCELAYER_BULK_COMPRESSION must divide 60"
    );
    // `cargo test --benches` runs benchmarks with `--bench`; anything else is a listing.
    if std::env::args().any(|arg| arg == "--list") {
        return;
    }
    println!(
        "test-mode limits (100 a minute per class, 25 in 10 s per endpoint), windows divided by \
         {compression}"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(fetch(compression));
    runtime.block_on(write(compression));
}
