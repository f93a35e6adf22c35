//! What receiving a webhook costs: `cargo bench -p commercelayer --bench callbacks`.
//!
//! The body is an `orders.place` webhook of about 20 KB: the order of the vendor's catalogue
//! with a line item and a shipping address included (`tests/data/callbacks/`, less the
//! market). Receiving it (verifying the signature, then parsing) is measured beside
//! `serde_json::from_slice` of the same bytes into `serde_json::Value` and into a minimal
//! hand-written struct (the few fields a service would read by hand), and so is the typed
//! decode into the client's `Document<Order>`. divan prints the figures; a last table gives
//! the ratios, measured in the same run.

use std::hint::black_box;
use std::time::Instant;

use commercelayer::Document;
use commercelayer::callbacks::{Event, Verifier};
use commercelayer::orders::Order;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// The shared secret the body is signed with.
const SECRET: &str = "bench-webhook-secret";

/// The webhook body: the `orders.place` fixture without its included market, compact, its
/// members in the order the API sends them (which `serde_json::Value` would not keep).
fn body() -> Vec<u8> {
    #[derive(Deserialize)]
    struct Fixture<'a> {
        #[serde(borrow)]
        data: &'a RawValue,
        #[serde(borrow)]
        included: Vec<&'a RawValue>,
    }
    let path = format!(
        "{}/tests/data/callbacks/webhook_orders_place.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let fixture: Fixture = serde_json::from_str(&text).unwrap();
    let included: Vec<&str> = fixture
        .included
        .iter()
        .map(|resource| resource.get())
        .filter(|resource| !resource.contains(r#""type": "markets""#))
        .collect();
    let document = format!(
        r#"{{"data":{},"included":[{}]}}"#,
        fixture.data.get(),
        included.join(",")
    );
    minify(&document).into_bytes()
}

/// JSON text without the whitespace between tokens.
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// The body's signature, as Commerce Layer sends it. It is made with `openssl` at startup
/// when available, so that the benchmark checks a signature this crate did not make.
fn signature(body: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut openssl = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl dgst -sha256 -hmac {SECRET} -binary | base64"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl and base64 are needed to sign the benchmark's body");
    openssl.stdin.take().unwrap().write_all(body).unwrap();
    let output = openssl.wait_with_output().unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// What a service would write by hand to read an `orders.place` webhook: the order's id and
/// a few attributes; everything else is skipped.
#[allow(dead_code)]
mod hand_written {
    use super::*;

    #[derive(Deserialize)]
    pub struct Webhook {
        pub data: OrderData,
    }

    #[derive(Deserialize)]
    pub struct OrderData {
        pub id: String,
        #[serde(rename = "type")]
        pub type_: String,
        pub attributes: Attributes,
    }

    #[derive(Deserialize)]
    pub struct Attributes {
        pub number: Option<String>,
        pub status: Option<String>,
        pub customer_email: Option<String>,
        pub currency_code: Option<String>,
        pub total_amount_with_taxes_cents: Option<i64>,
        pub placed_at: Option<String>,
    }
}

struct Input {
    body: Vec<u8>,
    signature: String,
    verifier: Verifier,
}

impl Input {
    fn new() -> Self {
        let body = body();
        let signature = signature(&body);
        Self {
            body,
            signature,
            verifier: Verifier::new(SECRET),
        }
    }
}

fn verify(input: &Input) {
    input
        .verifier
        .verify(black_box(&input.body), black_box(&input.signature))
        .unwrap();
}

fn receive(input: &Input) -> Event {
    verify(input);
    Event::parse(black_box("orders.place"), black_box(&input.body)).unwrap()
}

fn receive_typed(input: &Input) -> Document<Order> {
    receive(input).decode::<Order>().unwrap()
}

fn parse(input: &Input) -> Event {
    Event::parse(black_box("orders.place"), black_box(&input.body)).unwrap()
}

fn decode_typed(event: &Event) -> Document<Order> {
    event.decode::<Order>().unwrap()
}

fn from_slice_value(input: &Input) -> Value {
    serde_json::from_slice(black_box(&input.body)).unwrap()
}

fn from_slice_hand_written(input: &Input) -> hand_written::Webhook {
    serde_json::from_slice(black_box(&input.body)).unwrap()
}

mod orders_place_20kb {
    use super::*;

    #[divan::bench]
    fn verify_only(b: divan::Bencher) {
        let input = Input::new();
        b.bench(|| verify(&input));
    }

    #[divan::bench]
    fn parse_only(b: divan::Bencher) {
        let input = Input::new();
        b.bench(|| parse(&input));
    }

    #[divan::bench]
    fn verify_and_parse(b: divan::Bencher) {
        let input = Input::new();
        b.bench(|| receive(&input));
    }

    #[divan::bench]
    fn verify_parse_and_decode_order(b: divan::Bencher) {
        let input = Input::new();
        b.bench(|| receive_typed(&input));
    }

    #[divan::bench]
    fn decode_order_only(b: divan::Bencher) {
        let input = Input::new();
        let event = parse(&input);
        b.bench(|| decode_typed(&event));
    }

    #[divan::bench]
    fn serde_json_value(b: divan::Bencher) {
        let input = Input::new();
        b.bench(|| from_slice_value(&input));
    }

    #[divan::bench]
    fn serde_json_hand_written(b: divan::Bencher) {
        let input = Input::new();
        b.bench(|| from_slice_hand_written(&input));
    }
}

/// How many calls of `f` take about 2 ms.
fn calibrate(f: &mut dyn FnMut()) -> u64 {
    let mut iterations = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        if start.elapsed().as_micros() >= 2_000 {
            return iterations;
        }
        iterations *= 2;
    }
}

/// Nanoseconds per call of each function: the median of 101 samples of about 2 ms each,
/// taken in turns (one sample of each, 101 times), so that a change in the machine's load
/// weighs on every figure alike. Dropping what a call returns is part of the call.
fn per_call(functions: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let iterations: Vec<u64> = functions.iter_mut().map(|f| calibrate(*f)).collect();
    let mut samples = vec![Vec::new(); functions.len()];
    for _ in 0..101 {
        for (i, f) in functions.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..iterations[i] {
                f();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iterations[i] as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut samples| {
            samples.sort_by(f64::total_cmp);
            samples[samples.len() / 2]
        })
        .collect()
}

fn ratios() {
    let input = Input::new();
    let event = parse(&input);
    let names = [
        "verify",
        "parse (Event::parse)",
        "verify + parse",
        "decode::<Order> (of a parsed event)",
        "verify + parse + decode::<Order>",
    ];
    let figures = per_call(&mut [
        &mut || drop(black_box(from_slice_value(&input))),
        &mut || drop(black_box(from_slice_hand_written(&input))),
        &mut || verify(&input),
        &mut || drop(black_box(parse(&input))),
        &mut || drop(black_box(receive(&input))),
        &mut || drop(black_box(decode_typed(&event))),
        &mut || drop(black_box(receive_typed(&input))),
    ]);
    let (value, hand) = (figures[0], figures[1]);
    println!();
    println!(
        "an orders.place webhook of {} bytes; same run, in turns (median of 101 samples):",
        input.body.len()
    );
    println!("  serde_json::from_slice into Value:                {value:>9.0} ns");
    println!("  serde_json::from_slice into a minimal struct:     {hand:>9.0} ns");
    println!(
        "  {:<36} {:>9} {:>11} {:>16}",
        "", "ns", "/ Value", "/ minimal struct"
    );
    for (what, ns) in names.iter().zip(&figures[2..]) {
        println!(
            "  {what:<36} {ns:>9.0} {:>10.2}x {:>15.2}x",
            ns / value,
            ns / hand
        );
    }
}

fn main() {
    // Every measured path reads the same bytes, and reads them right.
    let input = Input::new();
    assert!(
        input.body.len() > 19_000 && input.body.len() < 23_000,
        "{}",
        input.body.len()
    );
    let order = receive_typed(&input).data;
    let hand = from_slice_hand_written(&input);
    assert_eq!(order.id, hand.data.id);
    assert_eq!(order.attributes.number, hand.data.attributes.number);
    assert_eq!(receive(&input).id(), Some(hand.data.id.as_str()));
    assert_eq!(from_slice_value(&input)["data"]["id"], order.id.as_str());

    divan::main();
    ratios();
}
