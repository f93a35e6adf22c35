//! Pacing against loopback servers that enforce sliding-window rate limits as the API does
//! (an average per class, a burst per endpoint, `429` beyond): clones of a client share one
//! limiter and draw no `429`; the `X-Ratelimit-*` headers lower the limits and reveal other
//! consumers; a `429` is retried when its window has room, not after a guessed backoff; the
//! mode is learnt from the first answer; an unpaced client does draw `429`s from the same
//! servers (so the servers do enforce what the paced clients respect).
#![cfg(feature = "customer_groups")]

mod bulk_server;
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use commercelayer::customer_groups::{CustomerGroup, CustomerGroupCreate};
use commercelayer::pacing::{ApiMode, ClassLimits, RequestClass, Window};
use commercelayer::{Batch, Client, Error, Pacing, StatusCode, TryStreamExt};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use bulk_server::{Limits, Server};
use common::{ACCESS_TOKEN, SEED_RESPONSE, json_api};

/// Pacing by `limits` for reads and writes in both modes, with a small margin.
fn pacing_by(limits: &Limits) -> Pacing {
    let class = ClassLimits::new(
        Window::new(limits.average.0, limits.average.1),
        Window::new(limits.burst.0, limits.burst.1),
    );
    let mut pacing = Pacing::documented().margin(Duration::from_millis(10));
    for mode in [ApiMode::Test, ApiMode::Live] {
        for class_of in [RequestClass::Read, RequestClass::Write] {
            pacing = pacing.limits(mode, class_of, class);
        }
    }
    pacing
}

fn client(base_url: &str, pacing: Pacing) -> Client {
    Client::builder()
        .base_url(base_url)
        .access_token(ACCESS_TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .pacing(pacing)
        .build()
        .expect("a client")
}

async fn list_once(client: &Client) -> Result<(), Error> {
    client.customer_groups().list().send().await.map(|_| ())
}

// Two clones of a paced client listing at once draw no 429 from a server enforcing the
// limits they are paced by; the same requests unpaced draw 429s.
#[tokio::test]
async fn clones_share_one_limiter_and_draw_no_429() {
    let limits = Limits::new(8, Duration::from_secs(1), 3, Duration::from_millis(250));
    let server = Server::builder()
        .records(3)
        .limits(limits.clone())
        .start()
        .await;
    let client = client(&server.base_url(), pacing_by(&limits));
    let clone = client.clone();
    let run = |client: Client| async move {
        for _ in 0..8 {
            list_once(&client).await.expect("a page");
        }
    };
    tokio::join!(run(client), run(clone));
    assert_eq!(server.seen().len(), 16);
    assert_eq!(server.throttled(), 0);

    let control = Server::builder().records(3).limits(limits).start().await;
    let raw = Client::builder()
        .base_url(control.base_url())
        .access_token(ACCESS_TOKEN)
        .max_retries(0)
        .pacing(Pacing::off())
        .build()
        .expect("a client");
    let results = futures_util::future::join_all((0..16).map(|_| list_once(&raw))).await;
    assert!(control.throttled() > 0, "the server enforces its limits");
    assert!(results.iter().any(Result::is_err));
}

// The limit and interval the headers report replace the documented average: a server
// allowing 4 a second, where the documented limits would allow 25 at once, draws no 429.
#[tokio::test]
async fn the_reported_limit_replaces_the_documented_one() {
    let limits = Limits::new(4, Duration::from_secs(1), 100, Duration::from_secs(10));
    let server = Server::builder()
        .records(3)
        .limits(limits.clone())
        .start()
        .await;
    let client = client(
        &server.base_url(),
        Pacing::documented().margin(Duration::from_millis(10)),
    );
    for _ in 0..10 {
        list_once(&client).await.expect("a page");
    }
    assert_eq!(server.throttled(), 0);
    assert_eq!(server.seen().len(), 10);
    let limit = client.rate_limit().expect("reported");
    assert_eq!(limit.limit, Some(4));
}

// A Remaining below this client's own count reveals another consumer behind the same IP:
// its requests take places, and this client still draws no 429.
#[tokio::test]
async fn other_consumers_take_places_in_the_window() {
    let mut limits = Limits::new(6, Duration::from_secs(1), 100, Duration::from_secs(10));
    limits.foreign = 3;
    let server = Server::builder()
        .records(3)
        .limits(limits.clone())
        .start()
        .await;
    let client = client(
        &server.base_url(),
        Pacing::documented().margin(Duration::from_millis(10)),
    );
    for _ in 0..9 {
        list_once(&client).await.expect("a page");
    }
    assert_eq!(server.throttled(), 0);
}

// A paced batch of writes and a paced walk draw no 429, and each create is sent once.
#[tokio::test]
async fn a_paced_batch_and_walk_draw_no_429() {
    let limits = Limits::new(12, Duration::from_secs(1), 4, Duration::from_millis(250));
    let server = Server::builder()
        .records(40)
        .limits(limits.clone())
        .start()
        .await;
    let client = client(&server.base_url(), pacing_by(&limits));

    let results = Batch::new((0..20).map(|i| {
        client
            .customer_groups()
            .create(&CustomerGroupCreate::new("G").reference(format!("new-{i}")))
    }))
    .concurrency(8)
    .await;
    assert!(results.iter().all(Result::is_ok));
    let groups: Vec<CustomerGroup> = client
        .customer_groups()
        .list()
        .page_size(5)
        .all()
        .try_collect()
        .await
        .expect("every group");

    assert_eq!(groups.len(), 60);
    assert_eq!(server.throttled(), 0);
    let creates = server.creates();
    assert_eq!(creates.len(), 20);
    assert!(creates.values().all(|&n| n == 1));
}

/// Answers with `answers` in turn (the last one after that), noting when each request came.
struct Timed {
    answers: Vec<ResponseTemplate>,
    at: Arc<Mutex<Vec<Instant>>>,
}

impl Respond for Timed {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut at = self.at.lock().expect("the times");
        at.push(Instant::now());
        self.answers[(at.len() - 1).min(self.answers.len() - 1)].clone()
    }
}

async fn timed(answers: Vec<ResponseTemplate>) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start().await;
    let at = Arc::new(Mutex::new(Vec::new()));
    Mock::given(wiremock::matchers::any())
        .respond_with(Timed {
            answers,
            at: at.clone(),
        })
        .mount(&server)
        .await;
    (server, at)
}

fn limited(status: u16, remaining: &str) -> ResponseTemplate {
    let body = if status == 429 {
        r#"{"errors":[{"title":"Too many requests","code":"TOO_MANY_REQUESTS","status":"429"}]}"#
    } else {
        SEED_RESPONSE
    };
    json_api(status, body)
        .insert_header("x-ratelimit-limit", "100")
        .insert_header("x-ratelimit-interval", "1")
        .insert_header("x-ratelimit-remaining", remaining)
}

// A 429 with nothing remaining of the average waits for the average's window (the one
// second the headers report), not for the (here one-millisecond) backoff; a 429 with places
// remaining waits for the burst window.
#[tokio::test]
async fn a_429_waits_for_its_window() {
    for (remaining, window) in [
        ("0", Duration::from_secs(1)),
        ("40", Duration::from_millis(700)),
    ] {
        let (server, at) = timed(vec![limited(429, remaining), limited(200, "98")]).await;
        let burst = ClassLimits::new(
            Window::new(100, Duration::from_secs(60)),
            Window::new(25, Duration::from_millis(700)),
        );
        let client = client(
            &format!("{}/api", server.uri()),
            Pacing::documented().limits(ApiMode::Test, RequestClass::Read, burst),
        );

        let group = client.customer_groups().retrieve("xYZkjABcde").await;

        assert!(group.is_ok(), "{group:?}");
        let at = at.lock().expect("the times").clone();
        assert_eq!(at.len(), 2);
        let waited = at[1] - at[0];
        assert!(
            waited >= window,
            "remaining {remaining}: retried after {waited:?}"
        );
    }
}

// Unpaced, a 429 is retried after the backoff, as before.
#[tokio::test]
async fn unpaced_a_429_waits_for_the_backoff() {
    let (server, at) = timed(vec![limited(429, "0"), limited(200, "98")]).await;
    let client = client(&format!("{}/api", server.uri()), Pacing::off());
    client
        .customer_groups()
        .retrieve("xYZkjABcde")
        .await
        .expect("the retry");
    let at = at.lock().expect("the times").clone();
    assert!(
        at[1] - at[0] < Duration::from_secs(1),
        "{:?}",
        at[1] - at[0]
    );
}

// The mode comes from the first answer's meta.mode, or from the settings; pacing off knows
// none.
#[tokio::test]
async fn the_mode_is_learnt_from_the_first_answer() {
    let server = Server::builder().records(1).mode("live").start().await;
    let learning = client(&server.base_url(), Pacing::documented());
    assert_eq!(learning.api_mode(), None);
    list_once(&learning).await.expect("a page");
    assert_eq!(learning.api_mode(), Some(ApiMode::Live));
    assert_eq!(learning.clone().api_mode(), Some(ApiMode::Live));

    let told = client(&server.base_url(), Pacing::documented().mode(ApiMode::Test));
    list_once(&told).await.expect("a page");
    assert_eq!(told.api_mode(), Some(ApiMode::Test), "the settings win");

    let off = client(&server.base_url(), Pacing::off());
    list_once(&off).await.expect("a page");
    assert_eq!(off.api_mode(), None);
}

// A Commerce Layer token says its mode in its `test` claim: the client keeps to that mode's
// limits from the first request, before any answer, and an answer's `meta.mode` does not
// override it.
#[tokio::test]
async fn the_mode_is_learnt_from_the_tokens_test_claim() {
    use base64::Engine as _;
    let encode = |json: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
    };
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs()
        + 3600;
    let token = format!(
        "{}.{}.c2lnbmF0dXJl",
        encode(serde_json::json!({"alg": "RS512", "typ": "JWT"})),
        encode(serde_json::json!({
            "organization": {"id": "WXlEOFrjnr", "slug": "acme"},
            "application": {"id": "A", "kind": "integration", "public": false},
            "test": false,
            "exp": exp,
        }))
    );
    let server = Server::builder().records(1).mode("test").start().await;
    let live = Client::builder()
        .base_url(server.base_url())
        .access_token(token)
        .pacing(Pacing::documented())
        .build()
        .expect("a client");
    assert_eq!(live.api_mode(), None, "nothing is decoded before a request");
    list_once(&live).await.expect("a page");
    assert_eq!(
        live.api_mode(),
        Some(ApiMode::Live),
        "the token's claim wins"
    );

    // A token that is not a JWT says nothing: the answer does.
    let opaque = client(&server.base_url(), Pacing::documented());
    list_once(&opaque).await.expect("a page");
    assert_eq!(opaque.api_mode(), Some(ApiMode::Test));
}

// Pacing settings that cannot pace are a configuration error.
#[test]
fn impossible_pacing_is_refused() {
    let empty = ClassLimits::new(
        Window::new(0, Duration::from_secs(60)),
        Window::new(25, Duration::from_secs(10)),
    );
    let error = Client::builder()
        .organization("acme")
        .access_token("t")
        .pacing(Pacing::documented().limits(ApiMode::Live, RequestClass::Write, empty))
        .build()
        .expect_err("refused");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("pacing window"), "{error}");
    assert_eq!(StatusCode::OK.as_u16(), 200);
}
