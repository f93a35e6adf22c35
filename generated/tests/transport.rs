//! The transport under failure, against local HTTP servers: which failures are retried and
//! which never are (a write whose fate is unknown), `Retry-After`, timeouts, connections cut
//! mid-answer, rate-limit headers, headers on every attempt, hostile ids, and spans.
//!
//! The calls are the generic ones every generated resource method wraps (`ItemCall`,
//! `ListCall`, `DeleteCall` over `GenericResource`), so these tests need no resource feature.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use commercelayer::jsonapi::GenericResource;
use commercelayer::{
    Client, ClientBuilder, DEFAULT_USER_AGENT, DeleteCall, Error, ItemCall, ListCall, RateLimit,
};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    ACCESS_TOKEN, SEED_ID, SEED_RESPONSE, group, header_values, json_api, page_document, received,
};

const GROUPS: &str = "customer_groups";

/// A client of `base` (a server's URI) that retries after a millisecond or two.
fn fast_client(base: &str) -> ClientBuilder {
    Client::builder()
        .base_url(format!("{base}/api"))
        .access_token(ACCESS_TOKEN)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

fn retrieve(client: &Client, id: &str) -> ItemCall<GenericResource> {
    ItemCall::retrieve(client, GROUPS, id)
}

fn create(client: &Client) -> ItemCall<GenericResource> {
    ItemCall::create(client, GROUPS, &json!({ "name": "VIP" }))
}

fn update(client: &Client, id: &str) -> ItemCall<GenericResource> {
    ItemCall::update(client, GROUPS, id, &json!({ "name": "Gold" }))
}

/// A server that answers the first `times` requests with `first`, and the rest with `then`.
async fn answering_then(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

/// The methods of the requests `server` received, in order.
async fn methods(server: &MockServer) -> Vec<String> {
    received(server)
        .await
        .iter()
        .map(|request| request.method.to_string())
        .collect()
}

fn server_error() -> ResponseTemplate {
    json_api(
        500,
        r#"{"errors":[{"title":"Internal server error","detail":"Something went wrong","code":"INTERNAL_SERVER_ERROR","status":"500"}]}"#,
    )
}

fn too_many_requests() -> ResponseTemplate {
    json_api(
        429,
        r#"{"errors":[{"title":"Too many requests","detail":"You have exceeded the rate limit","code":"TOO_MANY_REQUESTS","status":"429"}]}"#,
    )
}

// A 429 is retried as soon as its Retry-After says, not after the (here very long) backoff.
#[tokio::test]
async fn a_429_is_retried_when_its_retry_after_says() {
    let server = answering_then(
        too_many_requests().insert_header("retry-after", "0"),
        1,
        json_api(200, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri())
        .retry_backoff(Duration::from_secs(600), Duration::from_secs(600))
        .build()
        .expect("a client");

    // Only a guard against hanging for ten minutes should Retry-After be ignored.
    let result = tokio::time::timeout(Duration::from_secs(30), retrieve(&client, SEED_ID).send())
        .await
        .expect("Retry-After: 0 is obeyed instead of the ten-minute backoff");

    assert_eq!(result.expect("the retry succeeds").data.id, SEED_ID);
    assert_eq!(methods(&server).await, ["GET", "GET"]);
}

// A 429 without Retry-After is retried after the backoff, as often as it takes within the limit.
#[tokio::test]
async fn a_429_without_retry_after_is_retried_after_a_backoff() {
    let server = answering_then(too_many_requests(), 2, json_api(200, SEED_RESPONSE)).await;
    let client = fast_client(&server.uri()).build().expect("a client");

    let result = retrieve(&client, SEED_ID).await;

    assert_eq!(result.expect("the third attempt succeeds").data.id, SEED_ID);
    assert_eq!(methods(&server).await, ["GET", "GET", "GET"]);
}

// A 429 to a create is retried: the API refused it without acting, so it is created once.
#[tokio::test]
async fn a_429_to_a_create_is_retried() {
    let server = answering_then(too_many_requests(), 1, json_api(201, SEED_RESPONSE)).await;
    let client = fast_client(&server.uri()).build().expect("a client");

    let result = create(&client).await;

    assert_eq!(result.expect("the retry creates it").data.id, SEED_ID);
    assert_eq!(methods(&server).await, ["POST", "POST"]);
}

// Retries stop at max_retries, and the last refusal is the error; max_retries(0) never retries.
#[tokio::test]
async fn retries_stop_at_the_limit() {
    for (max_retries, attempts) in [(2, 3), (0, 1)] {
        let server = answering_then(too_many_requests(), u64::MAX, too_many_requests()).await;
        let client = fast_client(&server.uri())
            .max_retries(max_retries)
            .build()
            .expect("a client");

        let error = ListCall::<GenericResource>::list(&client, GROUPS)
            .await
            .expect_err("every attempt is refused");

        assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error}");
        assert!(matches!(error, Error::Api { .. }), "{error:?}");
        assert_eq!(
            received(&server).await.len(),
            attempts,
            "max_retries({max_retries})"
        );
    }
}

// A 500 to a GET or a DELETE is retried, and the next answer is the result.
#[tokio::test]
async fn a_500_to_a_get_or_delete_is_retried() {
    let server = answering_then(server_error(), 1, json_api(200, SEED_RESPONSE)).await;
    let client = fast_client(&server.uri()).build().expect("a client");
    let result = retrieve(&client, SEED_ID).await;
    assert_eq!(result.expect("the retry succeeds").data.id, SEED_ID);
    assert_eq!(methods(&server).await, ["GET", "GET"]);

    let server = answering_then(ResponseTemplate::new(503), 1, ResponseTemplate::new(204)).await;
    let client = fast_client(&server.uri()).build().expect("a client");
    DeleteCall::delete(&client, GROUPS, SEED_ID)
        .await
        .expect("the retry deletes it");
    assert_eq!(methods(&server).await, ["DELETE", "DELETE"]);
}

// A DELETE sent again after a server error finds the resource gone: that 404 is the first
// attempt's success, not an error; a 404 to a first attempt stays an error.
#[tokio::test]
async fn a_retried_delete_that_finds_nothing_succeeded() {
    let server = answering_then(ResponseTemplate::new(503), 1, ResponseTemplate::new(404)).await;
    let client = fast_client(&server.uri()).build().expect("a client");
    DeleteCall::delete(&client, GROUPS, SEED_ID)
        .await
        .expect("the first attempt deleted it");
    assert_eq!(methods(&server).await, ["DELETE", "DELETE"]);

    let server = answering_then(ResponseTemplate::new(404), 1, ResponseTemplate::new(404)).await;
    let client = fast_client(&server.uri()).build().expect("a client");
    let error = DeleteCall::delete(&client, GROUPS, SEED_ID)
        .await
        .expect_err("nothing to delete");
    assert_eq!(error.status(), Some(reqwest::StatusCode::NOT_FOUND));
}

// A 500 to a POST or a PATCH is reported with its status and body, never sent again.
#[tokio::test]
async fn a_500_to_a_post_or_patch_is_reported_and_not_retried() {
    for write in ["POST", "PATCH"] {
        let server = answering_then(server_error(), 1, json_api(201, SEED_RESPONSE)).await;
        let client = fast_client(&server.uri()).build().expect("a client");

        let result = match write {
            "POST" => create(&client).await,
            _ => update(&client, SEED_ID).await,
        };

        let error = result.expect_err("the 500 is the answer");
        let path = match write {
            "POST" => format!("/api/{GROUPS}"),
            _ => format!("/api/{GROUPS}/{SEED_ID}"),
        };
        assert_eq!(
            error.to_string(),
            format!(
                "{write} {path}: the API answered 500 Internal Server Error: Something went \
                 wrong (INTERNAL_SERVER_ERROR)"
            )
        );
        assert!(
            error
                .body()
                .is_some_and(|body| body.contains("INTERNAL_SERVER_ERROR"))
        );
        assert_eq!(methods(&server).await, [write], "{write} is sent once");
    }
}

// A server slower than the client's timeout gives a timeout error; a POST is not sent again.
#[tokio::test]
async fn a_slow_server_hits_the_client_timeout() {
    let server = answering_then(
        json_api(201, SEED_RESPONSE).set_delay(Duration::from_secs(10)),
        u64::MAX,
        json_api(201, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("a client");

    let error = create(&client).await.expect_err("the server is too slow");

    match &error {
        Error::Transport { source, .. } => assert!(source.is_timeout(), "{source:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(error.status(), None);
    assert_eq!(methods(&server).await, ["POST"]);
}

// A call's own timeout overrides the client's; a timed-out GET is retried within the limit.
#[tokio::test]
async fn a_call_timeout_overrides_the_client_timeout() {
    let server = answering_then(
        json_api(200, SEED_RESPONSE).set_delay(Duration::from_secs(10)),
        u64::MAX,
        json_api(200, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri())
        .timeout(Duration::from_secs(120))
        .max_retries(1)
        .build()
        .expect("a client");

    let error = retrieve(&client, SEED_ID)
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("the server is too slow for the call's timeout");

    assert!(
        matches!(&error, Error::Transport { source, .. } if source.is_timeout()),
        "{error:?}"
    );
    assert_eq!(methods(&server).await, ["GET", "GET"]);
}

/// How the raw server answers one connection.
#[derive(Clone, Copy, Debug)]
enum Reply {
    /// The status line and headers promising 1000 bytes, 10 of them, then the connection closes.
    CutMidBody,
    /// Half a status line, then the connection closes.
    CutMidHead,
    /// The whole documented response, then the connection closes.
    Whole,
}

/// A server speaking just enough HTTP/1.1 to cut answers short, one connection per request.
struct RawServer {
    base: String,
    requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    /// Answers request `n` with `replies[n]`, and every request past them with the last.
    async fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counter = counter.clone();
                let replies = replies.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, counter, &replies).await;
                });
            }
        });
        Self {
            base,
            requests,
            task,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and body) from `stream` and answers it as its number says.
async fn serve(
    mut stream: TcpStream,
    counter: Arc<AtomicUsize>,
    replies: &[Reply],
) -> std::io::Result<()> {
    let mut read = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        read.extend_from_slice(&chunk[..n]);
        if let Some(at) = read.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&read[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while read.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        read.extend_from_slice(&chunk[..n]);
    }
    let number = counter.fetch_add(1, Ordering::SeqCst);
    let reply = replies[number.min(replies.len() - 1)];
    match reply {
        Reply::CutMidBody => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.api+json\r\n\
                      content-length: 1000\r\n\r\n{\"data\": {",
                )
                .await?;
        }
        Reply::CutMidHead => stream.write_all(b"HTTP/1.1 20").await?,
        Reply::Whole => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.api+json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n",
                SEED_RESPONSE.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(SEED_RESPONSE.as_bytes()).await?;
        }
    }
    stream.flush().await?;
    stream.shutdown().await
}

// A GET whose answer is cut off mid-body is sent again, and the whole second answer is the result.
#[tokio::test]
async fn a_get_cut_off_mid_answer_is_retried() {
    let server = RawServer::start(vec![Reply::CutMidBody, Reply::Whole]).await;
    let client = fast_client(&server.base).build().expect("a client");

    let result = retrieve(&client, SEED_ID).await;

    assert_eq!(result.expect("the second answer is whole").data.id, SEED_ID);
    assert_eq!(server.requests(), 2);
}

// A GET cut off on every attempt fails as Transport once the retries are spent.
#[tokio::test]
async fn a_get_cut_off_every_time_fails_after_the_limit() {
    let server = RawServer::start(vec![Reply::CutMidBody]).await;
    let client = fast_client(&server.base)
        .max_retries(2)
        .build()
        .expect("a client");

    let error = retrieve(&client, SEED_ID)
        .await
        .expect_err("no answer is ever whole");

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.requests(), 3);
}

// A POST or PATCH cut off mid-answer (head or body) is never sent again: it may have been carried out.
#[tokio::test]
async fn a_write_cut_off_mid_answer_is_not_resent() {
    for cut in [Reply::CutMidBody, Reply::CutMidHead] {
        for write in ["POST", "PATCH"] {
            let server = RawServer::start(vec![cut, Reply::Whole]).await;
            let client = fast_client(&server.base).build().expect("a client");

            let result = match write {
                "POST" => create(&client).await,
                _ => update(&client, SEED_ID).await,
            };

            let error = result.expect_err("the answer was cut off");
            assert!(
                matches!(error, Error::Transport { .. }),
                "{write} {cut:?}: {error:?}"
            );
            assert_eq!(server.requests(), 1, "{write} {cut:?} is sent once");
        }
    }
}

// The X-Ratelimit-* headers of the latest answer are readable, from the client and its clones.
#[tokio::test]
async fn the_latest_rate_limit_is_readable() {
    let limited = |remaining: &str| {
        json_api(200, page_document(vec![group(SEED_ID, "VIP")], 1, 1, 1))
            .insert_header("x-ratelimit-limit", "50")
            .insert_header("x-ratelimit-interval", "10")
            .insert_header("x-ratelimit-remaining", remaining)
    };
    let server = answering_then(limited("49"), 1, limited("48")).await;
    let client = fast_client(&server.uri()).build().expect("a client");
    assert_eq!(client.rate_limit(), None, "nothing reported yet");

    ListCall::<GenericResource>::list(&client, GROUPS)
        .await
        .expect("a page");
    let first = client.rate_limit().expect("a rate limit");
    assert_eq!(
        (first.limit, first.interval, first.remaining),
        (Some(50), Some(Duration::from_secs(10)), Some(49))
    );

    let clone = client.clone();
    ListCall::<GenericResource>::list(&clone, GROUPS)
        .await
        .expect("a page");
    let latest: Option<RateLimit> = client.rate_limit();
    assert_eq!(latest.and_then(|r| r.remaining), Some(48));
}

// Every attempt, retries included, carries the User-Agent, the token and the call's extra headers.
#[tokio::test]
async fn every_attempt_carries_the_user_agent_and_extra_headers() {
    let server = answering_then(server_error(), 1, json_api(200, SEED_RESPONSE)).await;
    let client = fast_client(&server.uri()).build().expect("a client");

    retrieve(&client, SEED_ID)
        .header(
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_static("req-42"),
        )
        .await
        .expect("the retry succeeds");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header_values(request, "user-agent"), [DEFAULT_USER_AGENT]);
        assert!(DEFAULT_USER_AGENT.starts_with("commercelayer-rust/"));
        assert_eq!(
            header_values(request, "authorization"),
            [format!("Bearer {ACCESS_TOKEN}")]
        );
        assert_eq!(header_values(request, "x-request-id"), ["req-42"]);
    }
}

// A call cannot add a second value to a header the client sets: it fails before sending.
#[tokio::test]
async fn a_call_cannot_send_its_own_authorization_or_accept() {
    let server = answering_then(
        json_api(200, SEED_RESPONSE),
        1,
        json_api(200, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri()).build().expect("a client");
    for name in ["authorization", "accept", "content-type", "user-agent"] {
        let error = retrieve(&client, SEED_ID)
            .header(HeaderName::from_static(name), HeaderValue::from_static("x"))
            .await
            .expect_err("refused");
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{name}: {error}"
        );
        let error = DeleteCall::delete(&client, GROUPS, SEED_ID)
            .header(HeaderName::from_static(name), HeaderValue::from_static("x"))
            .await
            .expect_err("refused");
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{name}: {error}"
        );
    }
    assert!(received(&server).await.is_empty());
}

/// Decodes `%XX` escapes.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

// Ids holding /, ?, #, %, .. or spaces reach the API as one segment of the collection, whatever the method.
#[tokio::test]
async fn hostile_ids_stay_in_their_path_segment() {
    let hostile = [
        "../orders",
        "../../admin",
        "a/b",
        "x?filter[q][id_eq]=1",
        "x#fragment",
        "%2e%2e%2forders",
        "..%2Forders",
        "./.",
        "...",
        "a b\tc",
        "ümlaut/ü",
        "/",
        "?",
        "#",
        "%",
    ];
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(&server)
        .await;
    let client = fast_client(&server.uri()).build().expect("a client");

    for id in hostile {
        let _ = retrieve(&client, id).await;
        let _ = update(&client, id).await;
        let _ = DeleteCall::delete(&client, GROUPS, id).await;
        let _ = ListCall::<GenericResource>::related(&client, GROUPS, id, "markets", None).await;
    }

    let requests = received(&server).await;
    assert_eq!(requests.len(), hostile.len() * 4);
    for (request, id) in requests.iter().zip(hostile.iter().flat_map(|id| [*id; 4])) {
        let segments: Vec<&str> = request.url.path_segments().expect("a path").collect();
        assert_eq!(&segments[..2], ["api", GROUPS], "{id:?}: {}", request.url);
        assert_eq!(percent_decode(segments[2]), id.as_bytes(), "{id:?}");
        let expected_rest: &[&str] = if request.url.path().ends_with("/markets") {
            &["markets"]
        } else {
            &[]
        };
        assert_eq!(&segments[3..], expected_rest, "{id:?}: {}", request.url);
        assert_eq!(request.url.query(), None, "{id:?}");
        assert_eq!(request.url.fragment(), None, "{id:?}");
    }
}

#[cfg(feature = "tracing")]
mod spans {
    //! A subscriber that records every span's name and fields, and every event's fields.

    use std::fmt::Debug;
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// A span: its name and its fields as `name=value`.
    pub type Recorded = (String, Vec<String>);

    #[derive(Clone, Default)]
    pub struct Recorder {
        pub spans: Arc<Mutex<Vec<Recorded>>>,
        pub events: Arc<Mutex<Vec<String>>>,
    }

    struct Fields<'a>(&'a mut Vec<String>);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.push(format!("{}={value:?}", field.name()));
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn new_span(&self, attributes: &Attributes<'_>) -> Id {
            let mut spans = self.spans.lock().expect("not poisoned");
            let mut fields = Vec::new();
            attributes.record(&mut Fields(&mut fields));
            spans.push((attributes.metadata().name().to_string(), fields));
            Id::from_u64(spans.len() as u64)
        }

        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut spans = self.spans.lock().expect("not poisoned");
            if let Some((_, fields)) = usize::try_from(span.into_u64() - 1)
                .ok()
                .and_then(|index| spans.get_mut(index))
            {
                values.record(&mut Fields(fields));
            }
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            self.events
                .lock()
                .expect("not poisoned")
                .push(fields.join(" "));
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }
}

// Each attempt has a span with method, path, attempt and status, and a retry an event; no token anywhere.
#[cfg(feature = "tracing")]
#[tokio::test]
async fn each_attempt_has_a_span_without_secrets() {
    let recorder = spans::Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let server = answering_then(server_error(), 1, json_api(200, SEED_RESPONSE)).await;
    let client = fast_client(&server.uri()).build().expect("a client");

    retrieve(&client, SEED_ID)
        .param("filter[q][name_eq]", "VIP")
        .await
        .expect("the retry succeeds");

    let spans = recorder.spans.lock().expect("not poisoned").clone();
    let ours: Vec<&spans::Recorded> = spans
        .iter()
        .filter(|(name, _)| name == "commercelayer.request")
        .collect();
    assert_eq!(ours.len(), 2, "{spans:?}");
    let path = format!("path={GROUPS}/{SEED_ID}");
    for (attempt, status) in [(1, 500), (2, 200)] {
        let (_, fields) = ours[attempt - 1];
        for field in [
            "method=GET".to_string(),
            path.clone(),
            format!("attempt={attempt}"),
            format!("status={status}"),
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }
    let events = recorder.events.lock().expect("not poisoned").clone();
    assert!(
        events
            .iter()
            .any(|event| event.contains("retrying") && event.contains("500")),
        "{events:?}"
    );
    let everything = format!("{spans:?} {events:?}");
    assert!(!everything.contains(ACCESS_TOKEN), "{everything}");
    assert!(!everything.contains("VIP"), "no query value: {everything}");
}

/// A server that answers every request with `status` and a `Location` to `location`.
async fn redirecting(status: u16, location: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", location))
        .mount(&server)
        .await;
    server
}

// No redirect is followed, for any method: a 3xx is Error::Redirect with its status and
// Location, the request was sent once, and nothing reached the other origin.
#[tokio::test]
async fn no_redirect_is_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(&elsewhere)
        .await;
    let target = format!("{}/api/customer_groups/{SEED_ID}", elsewhere.uri());
    for status in [301, 302, 303, 307, 308] {
        let server = redirecting(status, &target).await;
        // A builder that asks for redirects: the client follows none anyway.
        let client = fast_client(&server.uri())
            .http_client(
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)),
            )
            .build()
            .expect("a client");

        let results = [
            ("GET", retrieve(&client, SEED_ID).await.map(drop)),
            ("POST", create(&client).await.map(drop)),
            ("PATCH", update(&client, SEED_ID).await.map(drop)),
            ("DELETE", DeleteCall::delete(&client, GROUPS, SEED_ID).await),
        ];

        for (method, result) in results {
            match result {
                Err(Error::Redirect {
                    status: got,
                    location,
                    ..
                }) => {
                    assert_eq!(got.as_u16(), status, "{method}");
                    assert_eq!(location.as_deref(), Some(target.as_str()), "{method}");
                }
                other => panic!("{method} answered {status}: {other:?}"),
            }
        }
        assert_eq!(
            methods(&server).await,
            ["GET", "POST", "PATCH", "DELETE"],
            "{status}: each request is sent once"
        );
    }
    assert!(
        received(&elsewhere).await.is_empty(),
        "nothing reached the other origin"
    );
}

// A redirect to the very same URL costs one request, and the error says where it pointed.
#[tokio::test]
async fn a_redirect_loop_costs_one_request() {
    let server = MockServer::start().await;
    let own = format!("{}/api/customer_groups/{SEED_ID}", server.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", own.as_str()))
        .mount(&server)
        .await;
    let client = fast_client(&server.uri()).build().expect("a client");

    let error = retrieve(&client, SEED_ID).await.expect_err("a redirect");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(error.location(), Some(own.as_str()));
    assert_eq!(
        error.to_string(),
        format!(
            "GET /api/customer_groups/{SEED_ID}: the API answered 302 Found redirecting to \
             {own}: the client follows no redirect"
        )
    );
    assert_eq!(received(&server).await.len(), 1);
}

// A body streamed far past the cap is refused as it streams: the error names the cap, and
// the server could not write much more than the cap before the client hung up.
#[tokio::test]
async fn a_body_past_the_cap_is_refused_while_streaming() {
    const CAP: usize = 1024 * 1024;
    const SENT: u64 = 64 * 1024 * 1024;
    for status in ["200 OK", "500 Internal Server Error"] {
        let server = common::StreamingServer::start(status, "", b' ', SENT).await;
        let client = fast_client(&server.base)
            .max_response_size(CAP)
            .max_retries(0)
            .build()
            .expect("a client");

        let error = retrieve(&client, SEED_ID)
            .await
            .expect_err("too large an answer");

        match &error {
            Error::ResponseTooLarge { limit, .. } => assert_eq!(*limit, CAP),
            other => panic!("{status}: {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            format!(
                "GET /api/customer_groups/{SEED_ID}: the {status} answer is larger than 1 MiB \
                 (1048576 bytes), the most the client reads (`ClientBuilder::max_response_size`)"
            )
        );
        assert_eq!(server.requests(), 1);
        assert!(
            server.written() < SENT / 2,
            "{status}: the client read {} bytes of a body capped at {CAP}",
            server.written()
        );
    }
}

// A Content-Length above the cap is refused before any of the body is read (the server
// here sends none: reading would wait for the timeout).
#[tokio::test]
async fn an_announced_length_past_the_cap_is_refused_unread() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut buffer = [0u8; 4096];
        let _ = stream.read(&mut buffer).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10737418240\r\n\r\n{")
            .await;
        // Hold the connection open, sending nothing more.
        tokio::time::sleep(Duration::from_secs(600)).await;
    });
    let client = fast_client(&base)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client");

    let error = retrieve(&client, SEED_ID).await.expect_err("too large");

    assert!(
        matches!(error, Error::ResponseTooLarge { limit, .. } if limit == commercelayer::DEFAULT_MAX_RESPONSE_SIZE),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("16 MiB (16777216 bytes)"),
        "{error}"
    );
    server.abort();
}

// The documented default cap is 16 MiB, and a body just under a cap is read whole.
#[tokio::test]
async fn a_body_within_the_cap_is_read_whole() {
    assert_eq!(commercelayer::DEFAULT_MAX_RESPONSE_SIZE, 16 * 1024 * 1024);
    let server = answering_then(
        json_api(200, SEED_RESPONSE),
        1,
        json_api(200, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri())
        .max_response_size(SEED_RESPONSE.len())
        .build()
        .expect("a client");
    retrieve(&client, SEED_ID)
        .await
        .expect("a body exactly at the cap is read");
    let client = fast_client(&server.uri())
        .max_response_size(SEED_RESPONSE.len() - 1)
        .build()
        .expect("a client");
    let error = retrieve(&client, SEED_ID).await.expect_err("one byte over");
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
}

// A Retry-After too large for a u64 is a very long wait, cut to the cap: not a missing header
// (which would mean the backoff, here ten minutes).
#[tokio::test]
async fn a_retry_after_beyond_u64_saturates_to_the_cap() {
    let server = answering_then(
        too_many_requests().insert_header("retry-after", "99999999999999999999999999"),
        1,
        json_api(200, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri())
        .retry_backoff(Duration::from_secs(600), Duration::from_secs(600))
        .max_retry_after(Duration::from_millis(1))
        .build()
        .expect("a client");

    // Only a guard against hanging for ten minutes should the header be ignored.
    let result = tokio::time::timeout(Duration::from_secs(60), retrieve(&client, SEED_ID).send())
        .await
        .expect("the huge Retry-After is cut to max_retry_after, not ignored");

    assert_eq!(result.expect("the retry succeeds").data.id, SEED_ID);
    assert_eq!(methods(&server).await, ["GET", "GET"]);
}

// Hop-by-hop and framing headers (and credentials for something else) are refused before
// anything is sent, like the ones the client sets itself.
#[tokio::test]
async fn hop_by_hop_and_framing_headers_are_refused() {
    let server = answering_then(
        json_api(200, SEED_RESPONSE),
        1,
        json_api(200, SEED_RESPONSE),
    )
    .await;
    let client = fast_client(&server.uri()).build().expect("a client");
    for name in [
        "transfer-encoding",
        "connection",
        "te",
        "upgrade",
        "expect",
        "proxy-authorization",
        "proxy-authenticate",
        "proxy-connection",
        "cookie",
        "keep-alive",
        "trailer",
        "content-encoding",
        "content-length",
        "host",
    ] {
        let name = HeaderName::from_static(name);
        let value = HeaderValue::from_static("chunked");
        let results = [
            retrieve(&client, SEED_ID)
                .header(name.clone(), value.clone())
                .await
                .map(drop),
            create(&client)
                .header(name.clone(), value.clone())
                .await
                .map(drop),
            DeleteCall::delete(&client, GROUPS, SEED_ID)
                .header(name.clone(), value)
                .await,
        ];
        for result in results {
            match result {
                Err(Error::InvalidRequest { message, .. }) => {
                    assert!(message.contains(&format!("`{name}`")), "{message}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

// A base URL without a path gets the API's /api, as the vendor's docs give it; a path is kept.
#[tokio::test]
async fn a_base_url_without_a_path_reaches_the_api() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(&server)
        .await;
    for base in [server.uri(), format!("{}/", server.uri())] {
        let client = Client::builder()
            .base_url(&base)
            .access_token(ACCESS_TOKEN)
            .build()
            .expect("a client");
        assert_eq!(client.base_url(), format!("{}/api", server.uri()));
        retrieve(&client, SEED_ID).await.expect("found under /api");
    }
    let custom = Client::builder()
        .base_url(format!("{}/proxy/cl", server.uri()))
        .access_token(ACCESS_TOKEN)
        .build()
        .expect("a client");
    retrieve(&custom, SEED_ID).await.expect("found");
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|request| request.url.path().to_string())
        .collect();
    let api = format!("/api/{GROUPS}/{SEED_ID}");
    assert_eq!(
        paths,
        [api.clone(), api, format!("/proxy/cl/{GROUPS}/{SEED_ID}")]
    );
}

// Errors name the method and the path as sent (with the base URL's path), never the query.
#[tokio::test]
async fn errors_name_the_method_and_path_without_the_query() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_api(
            404,
            r#"{"errors":[{"title":"Not found","detail":"The resource was not found","code":"RECORD_NOT_FOUND","status":"404"}]}"#,
        ))
        .mount(&server)
        .await;
    let client = fast_client(&server.uri()).build().expect("a client");

    let error = create(&client)
        .param("secret_filter", "SUPERSECRET")
        .include_raw("markets")
        .await
        .expect_err("a 404");

    assert_eq!(
        error.to_string(),
        "POST /api/customer_groups: the API answered 404 Not Found: The resource was not \
         found (RECORD_NOT_FOUND)"
    );
    let request = error.request().expect("the request");
    assert_eq!(request.method(), &commercelayer::Method::POST);
    assert_eq!(request.path(), "/api/customer_groups");
    assert!(!format!("{error:?}").contains("SUPERSECRET"));
}

// A refused connection names the host and how many attempts were made.
#[tokio::test]
async fn a_refused_connection_names_the_host_and_the_attempts() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address")
    };
    let client = fast_client(&format!("http://{closed}"))
        .max_retries(3)
        .build()
        .expect("a client");

    let error = retrieve(&client, SEED_ID).await.expect_err("refused");

    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "GET /api/customer_groups/{SEED_ID}: cannot connect to {closed} after 4 attempts: "
        )),
        "{text}"
    );
    match error {
        Error::Transport { host, attempts, .. } => {
            assert_eq!(host, closed.to_string());
            assert_eq!(attempts, 4);
        }
        other => panic!("{other:?}"),
    }
}
