//! A service receiving Commerce Layer's callbacks with axum: the `orders.place` webhook, and
//! external price requests answered from a price table.
//!
//! ```sh
//! cargo run -p commercelayer --example callbacks_service --features axum
//! ```
//!
//! With `COMMERCELAYER_WEBHOOK_SECRET` (the webhook's shared secret) and
//! `COMMERCELAYER_PRICES_SECRET` (the market's, for external prices) set, it serves on
//! `COMMERCELAYER_CALLBACKS_ADDR` (default `127.0.0.1:3000`): `POST /webhooks` and
//! `POST /prices`. A secret may hold two values separated by a comma while it is rotated.
//! Otherwise it runs a demonstration: it serves on a free loopback port with demonstration
//! secrets, posts the vendor's documented payloads to itself, signed as Commerce Layer signs
//! them, then a forged one, prints what it received and answered, and exits.

use std::env;
use std::error::Error;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use commercelayer::callbacks::axum::External;
use commercelayer::callbacks::external::{PriceData, Prices, Reply};
use commercelayer::callbacks::{Event, Receiver, SIGNATURE_HEADER, TOPIC_HEADER};
use commercelayer::line_items::LineItem;
use commercelayer::orders::Order;
use tokio::sync::mpsc;

/// The variable holding the webhook's shared secret.
pub const WEBHOOK_SECRET_VAR: &str = "COMMERCELAYER_WEBHOOK_SECRET";
/// The variable holding the external prices' shared secret (the market's).
pub const PRICES_SECRET_VAR: &str = "COMMERCELAYER_PRICES_SECRET";
/// The variable holding the address to serve on.
pub const ADDR_VAR: &str = "COMMERCELAYER_CALLBACKS_ADDR";

/// The secrets of the demonstration.
pub const DEMO_WEBHOOK_SECRET: &str = "demo-webhook-secret";
/// The external prices' secret of the demonstration.
pub const DEMO_PRICES_SECRET: &str = "demo-prices-secret";

/// An `orders.place` webhook body (`tests/data/callbacks/README.md` says where it comes from).
const ORDER_PLACED: &[u8] = include_bytes!("../tests/data/callbacks/webhook_orders_place.json");
/// Its signature with the demonstration secret, as Commerce Layer makes it:
/// `openssl dgst -sha256 -hmac demo-webhook-secret -binary < webhook_orders_place.json | base64`
const ORDER_PLACED_SIGNATURE: &str = "PARRRZLOgIYcdQ4t87vvq92cQ8Jpam0oo5zsYuefePs=";
/// The vendor's documented external price request.
const PRICE_REQUEST: &[u8] = include_bytes!("../tests/data/callbacks/external_prices_payload.json");
/// `openssl dgst -sha256 -hmac demo-prices-secret -binary < external_prices_payload.json | base64`
const PRICE_REQUEST_SIGNATURE: &str = "FDMv4Mi49ywFEE/7w07a0nN80FqEsdxQsbqL9ZUd8M8=";

/// Unit prices, in cents, by SKU code.
const PRICE_TABLE: &[(&str, i64)] = &[
    ("TSHIRTMM000000FFFFFFXLXX", 4900),
    ("BABYONBU000000E63E7412MX", 2500),
];

/// What the handlers share: a receiver per endpoint (each has its own secret), and where they
/// report what they received.
#[derive(Clone)]
pub struct Service {
    webhooks: Receiver,
    prices: Receiver,
    notes: mpsc::UnboundedSender<String>,
}

/// The webhook route verifies with the webhook's secret.
impl FromRef<Service> for Receiver {
    fn from_ref(service: &Service) -> Receiver {
        service.webhooks.clone()
    }
}

/// The service's routes.
pub fn router(
    webhook_secrets: &str,
    prices_secrets: &str,
    notes: mpsc::UnboundedSender<String>,
) -> Router {
    let secrets = |value: &str| Receiver::with_secrets(value.split(',').map(str::trim));
    let service = Service {
        webhooks: secrets(webhook_secrets),
        prices: secrets(prices_secrets),
        notes,
    };
    let prices = Router::new()
        .route("/prices", post(price))
        .with_state(service.prices.clone());
    Router::new()
        .route("/webhooks", post(webhook))
        .with_state(service)
        .merge(prices)
}

/// `orders.place`: the order, typed. Other topics are acknowledged and ignored. (Commerce
/// Layer waits 5 seconds for the `2xx`, and may send an event twice.)
async fn webhook(State(service): State<Service>, event: Event) -> StatusCode {
    if event.topic() != "orders.place" {
        let _ = service.notes.send(format!("ignored {}", event.topic()));
        return StatusCode::OK;
    }
    match event.decode::<Order>() {
        Ok(document) => {
            let order = document.data;
            let attributes = &order.attributes;
            let lines = document.included.all::<LineItem>().count();
            let _ = service.notes.send(format!(
                "order {} placed by {}: {} ({} line item{}, id {})",
                attributes.number.as_deref().unwrap_or("?"),
                attributes.customer_email.as_deref().unwrap_or("a guest"),
                attributes
                    .formatted_total_amount_with_taxes
                    .as_deref()
                    .unwrap_or("?"),
                lines,
                if lines == 1 { "" } else { "s" },
                order.id,
            ));
            StatusCode::OK
        }
        // Signed by Commerce Layer, yet not an order this client can read: answering an
        // error makes it try again, which will not help; say so and acknowledge.
        Err(error) => {
            let _ = service.notes.send(format!("unreadable order: {error}"));
            StatusCode::OK
        }
    }
}

/// External prices: the line item's unit price from the table, 10% off from two items.
async fn price(External { document, .. }: External<Prices, LineItem>) -> Reply<PriceData> {
    let line = document.data.attributes;
    let Some(sku) = line.sku_code else {
        return Reply::failure("NO_SKU", "the line item has no SKU code");
    };
    let Some(&(_, unit)) = PRICE_TABLE.iter().find(|(code, _)| *code == sku) else {
        return Reply::failure("UNKNOWN_SKU", format!("no price for {sku}"));
    };
    let unit = if line.quantity.unwrap_or(1) >= 2 {
        unit * 9 / 10
    } else {
        unit
    };
    Reply::Success(PriceData::new(sku, unit))
}

/// Serves `router` on `address` until the process ends, printing what the handlers report.
async fn serve(
    address: &str,
    router: Router,
    mut notes: mpsc::UnboundedReceiver<String>,
) -> Result<(), Box<dyn Error>> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!(
        "serving POST /webhooks and POST /prices on http://{}",
        listener.local_addr()?
    );
    tokio::spawn(async move {
        while let Some(note) = notes.recv().await {
            println!("{note}");
        }
    });
    axum::serve(listener, router).await?;
    Ok(())
}

/// The demonstration: serves on a free loopback port, posts the documented payloads as
/// Commerce Layer would (and a forged one), and writes what happened to `out`.
pub async fn demo(out: &mut impl Write) -> Result<(), Box<dyn Error>> {
    let (sender, mut notes) = mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address: SocketAddr = listener.local_addr()?;
    let app = router(DEMO_WEBHOOK_SECRET, DEMO_PRICES_SECRET, sender);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    writeln!(
        out,
        "demonstration on http://{address} (set {WEBHOOK_SECRET_VAR} and {PRICES_SECRET_VAR} to serve for real)"
    )?;

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    // The last one reuses a signature for another body: a forgery.
    let calls = [
        (
            "orders.place",
            "/webhooks",
            Some("orders.place"),
            ORDER_PLACED,
            ORDER_PLACED_SIGNATURE,
        ),
        (
            "external price",
            "/prices",
            None,
            PRICE_REQUEST,
            PRICE_REQUEST_SIGNATURE,
        ),
        (
            "forged orders.place",
            "/webhooks",
            Some("orders.place"),
            &b"{\"data\":null}"[..],
            ORDER_PLACED_SIGNATURE,
        ),
    ];
    for (label, path, topic, body, signature) in calls {
        let mut request = http
            .post(format!("http://{address}{path}"))
            .header(SIGNATURE_HEADER, signature)
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(topic) = topic {
            request = request.header(TOPIC_HEADER, topic);
        }
        let response = request.send().await?;
        let status = response.status();
        let answer = String::from_utf8_lossy(&response.bytes().await?).into_owned();
        writeln!(
            out,
            "POST {path} ({label}, {} bytes) -> {status} {answer}",
            body.len()
        )?;
        while let Ok(note) = notes.try_recv() {
            writeln!(out, "  received: {note}")?;
        }
    }
    server.abort();
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let var = |name: &str| env::var(name).ok().filter(|value| !value.trim().is_empty());
    let result = match (var(WEBHOOK_SECRET_VAR), var(PRICES_SECRET_VAR)) {
        (Some(webhooks), Some(prices)) => {
            let (sender, notes) = mpsc::unbounded_channel();
            let address = var(ADDR_VAR).unwrap_or_else(|| "127.0.0.1:3000".to_string());
            serve(&address, router(&webhooks, &prices, sender), notes).await
        }
        _ => demo(&mut io::stdout()).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
