//! The axum integration end to end: a router served on a loopback socket, called by a real
//! HTTP client the way Commerce Layer calls it (signed `POST`s), answering webhooks and an
//! external price, and refusing bad signatures, oversized bodies and wrong methods before
//! any handler runs.
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use commercelayer::callbacks::axum::External;
use commercelayer::callbacks::external::{PriceData, Prices, Reply};
use commercelayer::callbacks::{Event, Receiver, SIGNATURE_HEADER, TOPIC_HEADER};
use commercelayer::jsonapi::GenericResource;
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/callbacks/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// `openssl dgst -sha256 -hmac whsec-current -binary < webhook_orders_place.json | base64`
const ORDER_PLACE_CURRENT: &str = "yzHT/osRfKDjzk7R57Lz+rXxEIye7XVz5pmXaSmOY6I=";
/// `openssl dgst -sha256 -hmac whsec-previous -binary < webhook_orders_place.json | base64`
const ORDER_PLACE_PREVIOUS: &str = "RsviFBQjSvvj4SYm4/QuP2qzyVpRQ7uksOIjGHVj6dw=";
/// `openssl dgst -sha256 -hmac prices-secret -binary < external_prices_payload.json | base64`
const PRICES_SIGNATURE: &str = "KZgDjcrIXAqS8PLuM7wmVrexN7PkGB8uS2UHBxIgQjQ=";

/// The service's state: a receiver per endpoint (each has its own shared secret), and what
/// the webhook handler saw.
#[derive(Clone)]
struct App {
    webhooks: Receiver,
    prices: Receiver,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

/// Webhook routes take their receiver from the state; the price route has its own router.
impl FromRef<App> for Receiver {
    fn from_ref(app: &App) -> Receiver {
        app.webhooks.clone()
    }
}

async fn webhook(State(app): State<App>, event: Event) -> StatusCode {
    let id = match event.decode::<GenericResource>() {
        Ok(document) => document.data.id,
        Err(_) => return StatusCode::UNPROCESSABLE_ENTITY,
    };
    app.seen
        .lock()
        .unwrap()
        .push((event.topic().to_string(), id));
    StatusCode::OK
}

async fn price(External { document, .. }: External<Prices>) -> Reply<PriceData> {
    let attributes = &document.data.attributes;
    let Some(sku) = attributes.get("sku_code").and_then(Value::as_str) else {
        return Reply::failure("NO_SKU", "the line item has no SKU code");
    };
    let quantity = attributes
        .get("quantity")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    Reply::Success(PriceData::new(sku, if quantity >= 2 { 4500 } else { 4900 }))
}

/// Serves the app on 127.0.0.1, on a port the system picks.
async fn serve(app: App) -> SocketAddr {
    let prices = Router::new()
        .route("/prices", post(price))
        .with_state(app.prices.clone());
    let router = Router::new()
        .route("/webhooks", post(webhook))
        .with_state(app)
        .merge(prices);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A response's JSON body.
async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// Posts `count` chunks of `size` spaces to `/webhooks` with `Transfer-Encoding: chunked`
/// (no `Content-Length`), over a raw socket, and gives the answer's status.
async fn chunked_post(address: SocketAddr, count: usize, size: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /webhooks HTTP/1.1\r\nhost: {address}\r\n{TOPIC_HEADER}: orders.place\r\n\
         {SIGNATURE_HEADER}: {ORDER_PLACE_CURRENT}\r\ntransfer-encoding: chunked\r\n\
         connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{size:x}\r\n{}\r\n", " ".repeat(size));
    for _ in 0..count {
        // The server may answer and close before every chunk is sent.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).unwrap_or_default();
    status
        .parse()
        .unwrap_or_else(|_| panic!("no status in {answer:?}"))
}

fn app() -> App {
    App {
        webhooks: Receiver::with_secrets(["whsec-current", "whsec-previous"]).max_body(64 * 1024),
        prices: Receiver::new("prices-secret"),
        seen: Arc::default(),
    }
}

#[tokio::test]
async fn webhooks_are_verified_parsed_and_handled() {
    let app = app();
    let seen = app.seen.clone();
    let address = serve(app).await;
    let url = format!("http://{address}/webhooks");
    let body = fixture("webhook_orders_place.json");

    for signature in [ORDER_PLACE_CURRENT, ORDER_PLACE_PREVIOUS] {
        let response = client()
            .post(&url)
            .header(TOPIC_HEADER, "orders.place")
            .header(SIGNATURE_HEADER, signature)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("orders.place".to_string(), "wBXVhKzrnq".to_string()),
            ("orders.place".to_string(), "wBXVhKzrnq".to_string())
        ]
    );
}

#[tokio::test]
async fn bad_signatures_get_401_and_never_reach_the_handler() {
    let app = app();
    let seen = app.seen.clone();
    let address = serve(app).await;
    let url = format!("http://{address}/webhooks");
    let body = fixture("webhook_orders_place.json");
    let mut tampered = body.clone();
    tampered[200] ^= 0x01;

    let unauthorized =
        json!({"success": false, "error": {"code": "UNAUTHORIZED", "message": "unauthorized"}});
    for (signature, body) in [
        (None, body.clone()),
        (Some("not base64!"), body.clone()),
        (Some(PRICES_SIGNATURE), body.clone()),
        (Some(ORDER_PLACE_CURRENT), tampered),
    ] {
        let mut request = client()
            .post(&url)
            .header(TOPIC_HEADER, "orders.place")
            .body(body);
        if let Some(signature) = signature {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{signature:?}");
        assert_eq!(json_of(response).await, unauthorized);
    }
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn oversized_bodies_and_other_methods_are_refused() {
    let app = app();
    let seen = app.seen.clone();
    let address = serve(app).await;
    let url = format!("http://{address}/webhooks");

    // Declared too large: refused before the body is read.
    let response = client()
        .post(&url)
        .header(TOPIC_HEADER, "orders.place")
        .header(SIGNATURE_HEADER, ORDER_PLACE_CURRENT)
        .body(vec![b' '; 65 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // Streamed without a length (chunked): refused as it grows past the limit.
    assert_eq!(chunked_post(address, 70, 1024).await, 413);
    // The same way, within the limit: read whole, and then refused for its signature.
    assert_eq!(chunked_post(address, 3, 1024).await, 401);

    // The router itself refuses a GET on a POST route.
    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 405);

    // Signed, but no topic: 400.
    let response = client()
        .post(&url)
        .header(SIGNATURE_HEADER, ORDER_PLACE_CURRENT)
        .body(fixture("webhook_orders_place.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_external_price_is_answered_in_the_vendors_format() {
    let address = serve(app()).await;
    let url = format!("http://{address}/prices");

    let response = client()
        .post(&url)
        .header(SIGNATURE_HEADER, PRICES_SIGNATURE)
        .body(fixture("external_prices_payload.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        json_of(response).await,
        json!({"success": true, "data": {"sku_code": "TSHIRTMM000000FFFFFFXLXX", "unit_amount_cents": 4500}})
    );

    // The webhook secret does not open the prices endpoint.
    let response = client()
        .post(&url)
        .header(SIGNATURE_HEADER, ORDER_PLACE_CURRENT)
        .body(fixture("webhook_orders_place.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // A signed payload of another resource: 400.
    // `openssl dgst -sha256 -hmac prices-secret -binary < external_tax_calculators_payload.json | base64`
    let response = client()
        .post(&url)
        .header(
            SIGNATURE_HEADER,
            "S6rJ4bne5YlPRei/7sdq6Og/Ks0fC39vf6K4TlPXjBo=",
        )
        .body(fixture("external_tax_calculators_payload.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

/// The `callbacks_service` example, compiled in as a module (cargo gives tests no path to an
/// example's binary): its demonstration runs the very router the example serves.
#[cfg(all(feature = "orders", feature = "line_items"))]
#[path = "../examples/callbacks_service.rs"]
#[allow(dead_code)] // its `main` runs only as the example binary
mod example;

#[cfg(all(feature = "orders", feature = "line_items"))]
#[tokio::test]
async fn the_example_service_handles_an_order_and_a_price_and_refuses_a_forgery() {
    let mut out = Vec::new();
    example::demo(&mut out).await.unwrap();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("demonstration on http://127.0.0.1:"),
        "{out}"
    );
    assert_eq!(
        lines[1..],
        [
            "POST /webhooks (orders.place, 33157 bytes) -> 200 OK ",
            "  received: order 1234 placed by john@example.com: €57,00 (1 line item, id wBXVhKzrnq)",
            "POST /prices (external price, 572 bytes) -> 200 OK {\"success\":true,\"data\":{\"sku_code\":\"TSHIRTMM000000FFFFFFXLXX\",\"unit_amount_cents\":4410}}",
            "POST /webhooks (forged orders.place, 13 bytes) -> 401 Unauthorized {\"success\":false,\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"unauthorized\"}}",
        ]
    );
}

#[cfg(all(feature = "orders", feature = "line_items"))]
#[tokio::test]
async fn the_example_prices_from_its_table_and_refuses_unknown_skus() {
    let (sender, _notes) = tokio::sync::mpsc::unbounded_channel();
    let router = example::router("unused", "prices-secret", sender);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let payload = String::from_utf8(fixture("external_prices_payload.json")).unwrap();

    // Each signature: `sed 'EDIT' external_prices_payload.json | openssl dgst -sha256 -hmac
    // prices-secret -binary | base64`.
    let cases = [
        (
            payload.replace("\"quantity\": 2", "\"quantity\": 1"),
            "UaekSCRuFFfq+yJwhIys2l1DER9UXJ4AUBKGnpzU96I=",
            200,
            json!({"success": true, "data": {"sku_code": "TSHIRTMM000000FFFFFFXLXX", "unit_amount_cents": 4900}}),
        ),
        (
            payload.replace("TSHIRTMM000000FFFFFFXLXX", "NOSUCHSKU"),
            "yUT9hc2rE4EM8F+GUwWzwczVpZNod5q+I88a54KEN5A=",
            422,
            json!({"success": false, "error": {"code": "UNKNOWN_SKU", "message": "no price for NOSUCHSKU"}}),
        ),
    ];
    for (body, signature, status, answer) in cases {
        let response = client()
            .post(format!("http://{address}/prices"))
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(json_of(response).await, answer);
    }
}
