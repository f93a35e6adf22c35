//! Webhooks and external callbacks: signatures checked against vectors made by other HMAC
//! implementations, webhook events and every external callback's payload decoded from the
//! vendor's examples, replies written as the vendor documents them, and the framework-neutral
//! receiver's answers.
//!
//! The fixtures are in `tests/data/callbacks/` (their sources in its README). Every signature
//! below was computed outside this crate, with the command given beside it; `openssl` and
//! Python's `hmac` module agreed on each.

use bytes::Bytes;
use commercelayer::Error;
use commercelayer::callbacks::external::{
    self, CallbackError, DiscountData, ExternalCallback, LineItemTax, PaymentReply, PriceData,
    Reply, Respond, ShippingCostData, TaxData, TransactionData, ValidationErrors, ValidationReply,
};
use commercelayer::callbacks::{
    DEFAULT_MAX_BODY, Event, Payload, Receiver, Rejection, SIGNATURE_HEADER, SignatureError,
    TOPIC_HEADER, Topic, Verifier, verify,
};
use commercelayer::jsonapi::GenericResource;
use http::request::Parts;
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A fixture's bytes, exactly as committed (and as signed below).
fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/callbacks/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

// ---------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------

/// `openssl dgst -sha256 -hmac whsec-current -binary < webhook_orders_place.json | base64`
const ORDER_PLACE_CURRENT: &str = "yzHT/osRfKDjzk7R57Lz+rXxEIye7XVz5pmXaSmOY6I=";
/// `openssl dgst -sha256 -hmac whsec-previous -binary < webhook_orders_place.json | base64`
const ORDER_PLACE_PREVIOUS: &str = "RsviFBQjSvvj4SYm4/QuP2qzyVpRQ7uksOIjGHVj6dw=";
/// `openssl dgst -sha256 -hmac prices-secret -binary < external_prices_payload.json | base64`
const PRICES_SIGNATURE: &str = "KZgDjcrIXAqS8PLuM7wmVrexN7PkGB8uS2UHBxIgQjQ=";

#[test]
fn verifies_vectors_made_by_other_implementations() {
    // RFC 4231, test case 2 (HMAC-SHA256 = 5bdcc146bf60754e...64ec3843), in base64:
    // `printf 'what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe -binary | base64`
    assert_eq!(
        verify(
            b"Jefe",
            b"what do ya want for nothing?",
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        ),
        Ok(())
    );
    // An empty body: `printf '' | openssl dgst -sha256 -hmac s -binary | base64`
    assert_eq!(
        verify(b"s", b"", "ZOygfM5nkpw1fWPQpK7CB+d0gAQDKYkU/ATojOAqxJ8="),
        Ok(())
    );
    // A secret longer than SHA-256's block (hashed first): Python,
    // `base64.b64encode(hmac.new(b"k" * 100, b'{"data":null}', hashlib.sha256).digest())`
    assert_eq!(
        verify(
            &[b'k'; 100],
            br#"{"data":null}"#,
            "ZPTr+3LhIQr182MEniRQ+9dSHZsRP5LwQKiqHgAXkfg="
        ),
        Ok(())
    );
    // Bytes that are not UTF-8: `printf '\x00\xff\xfe{' | openssl dgst -sha256 -hmac s3cret ...`
    assert_eq!(
        verify(
            b"s3cret",
            b"\x00\xff\xfe{",
            "0z1CXqGxFp2862i5V24SMQPUI7Qk7GrLhEp/HBa2S4U="
        ),
        Ok(())
    );
    // A whole webhook body, as committed.
    let body = fixture("webhook_orders_place.json");
    assert_eq!(verify(b"whsec-current", &body, ORDER_PLACE_CURRENT), Ok(()));
}

#[test]
fn a_tampered_or_reserialised_body_is_a_mismatch() {
    let body = fixture("webhook_orders_place.json");
    let mut flipped = body.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let mut extended = body.clone();
    extended.push(b'\n');
    let truncated = &body[..body.len() - 1];
    // The same document, re-serialised: equal as JSON, not as bytes.
    let reserialised = serde_json::to_vec(&fixture_json("webhook_orders_place.json")).unwrap();
    assert_ne!(reserialised, body);
    for tampered in [
        &flipped[..],
        &extended[..],
        truncated,
        &reserialised[..],
        b"",
    ] {
        assert_eq!(
            verify(b"whsec-current", tampered, ORDER_PLACE_CURRENT),
            Err(SignatureError::Mismatch)
        );
    }
}

#[test]
fn a_wrong_secret_is_a_mismatch_and_rotation_accepts_both() {
    let body = fixture("webhook_orders_place.json");
    assert_eq!(
        verify(b"whsec-current", &body, ORDER_PLACE_PREVIOUS),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify(b"whsec-Current", &body, ORDER_PLACE_CURRENT),
        Err(SignatureError::Mismatch)
    );

    let rotating = Verifier::with_secrets(["whsec-current", "whsec-previous"]);
    assert_eq!(rotating.verify(&body, ORDER_PLACE_CURRENT), Ok(()));
    assert_eq!(rotating.verify(&body, ORDER_PLACE_PREVIOUS), Ok(()));
    assert_eq!(
        rotating.verify(&body, PRICES_SIGNATURE),
        Err(SignatureError::Mismatch)
    );
    // Once the old secret is dropped, its signatures are refused.
    let rotated = Verifier::new("whsec-current");
    assert_eq!(
        rotated.verify(&body, ORDER_PLACE_PREVIOUS),
        Err(SignatureError::Mismatch)
    );
    // The order of the secrets does not matter.
    let reversed = Verifier::new("whsec-previous").secret("whsec-current");
    assert_eq!(reversed.verify(&body, ORDER_PLACE_CURRENT), Ok(()));
}

#[test]
fn whitespace_around_the_value_is_tolerated_and_nothing_else() {
    let body = fixture("webhook_orders_place.json");
    let check = |signature: &str| verify(b"whsec-current", &body, signature);
    for tolerated in [
        format!(" {ORDER_PLACE_CURRENT}"),
        format!("{ORDER_PLACE_CURRENT}  "),
        format!("\t{ORDER_PLACE_CURRENT}\t "),
    ] {
        assert_eq!(check(&tolerated), Ok(()), "{tolerated:?}");
    }
    let (head, tail) = ORDER_PLACE_CURRENT.split_at(20);
    for refused in [
        format!("{ORDER_PLACE_CURRENT}\n"),
        format!("{ORDER_PLACE_CURRENT}\r\n"),
        format!("\n{ORDER_PLACE_CURRENT}"),
        format!("{head} {tail}"),
        format!("{head}\n{tail}"),
        format!("sha256={ORDER_PLACE_CURRENT}"),
    ] {
        assert_eq!(
            check(&refused),
            Err(SignatureError::Malformed),
            "{refused:?}"
        );
    }
}

#[test]
fn encodings_other_than_standard_base64_are_malformed() {
    let body = fixture("webhook_orders_place.json");
    let check = |signature: &str| verify(b"whsec-current", &body, signature);

    // Without its padding, the same MAC: accepted.
    let unpadded = ORDER_PLACE_CURRENT.trim_end_matches('=');
    assert_eq!(unpadded.len(), 43);
    assert_eq!(check(unpadded), Ok(()));

    // The URL-safe alphabet (`+` becomes `-`): refused, though the bytes would match.
    assert!(ORDER_PLACE_CURRENT.contains('+'));
    let url_safe = ORDER_PLACE_CURRENT.replace('+', "-").replace('/', "_");
    assert_eq!(check(&url_safe), Err(SignatureError::Malformed));
    assert!(ORDER_PLACE_PREVIOUS.contains('/'));
    let url_safe = ORDER_PLACE_PREVIOUS.replace('/', "_");
    assert_eq!(
        verify(b"whsec-previous", &body, &url_safe),
        Err(SignatureError::Malformed)
    );

    // Hex: `openssl dgst -sha256 -hmac Jefe` prints it so; not what the API sends.
    assert_eq!(
        verify(
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        Err(SignatureError::Malformed)
    );

    // A last symbol with non-zero trailing bits decodes to the same bytes in lax decoders.
    // The 43rd symbol carries 4 bits of the MAC and 2 zero bits; the next symbol of the
    // alphabet sets one of those.
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (rest, last) = ORDER_PLACE_CURRENT.trim_end_matches('=').split_at(42);
    let index = ALPHABET.find(last).unwrap();
    assert_eq!(index % 4, 0);
    let lax = format!("{rest}{}=", &ALPHABET[index + 1..index + 2]);
    assert_eq!(check(&lax), Err(SignatureError::Malformed));

    // Too much padding, a MAC of the wrong length, garbage.
    for refused in [
        format!("{ORDER_PLACE_CURRENT}="),
        "AAAA".repeat(10) + "AA==", // 31 bytes
        "A".repeat(44),             // 33 bytes' worth
        "not a signature".to_string(),
        "é".repeat(22),
        "A".repeat(100_000),
    ] {
        assert_eq!(
            check(&refused),
            Err(SignatureError::Malformed),
            "{refused:.50}"
        );
    }
}

#[test]
fn missing_and_unconfigured_are_their_own_errors() {
    assert_eq!(verify(b"s", b"{}", ""), Err(SignatureError::Missing));
    assert_eq!(verify(b"s", b"{}", "   "), Err(SignatureError::Missing));
    assert_eq!(
        verify(b"", b"", "ZOygfM5nkpw1fWPQpK7CB+d0gAQDKYkU/ATojOAqxJ8="),
        Err(SignatureError::NoSecret)
    );
    // Whatever the signature: the configuration is what is wrong.
    assert_eq!(verify(b"", b"{}", ""), Err(SignatureError::NoSecret));
    assert!(Verifier::with_secrets(Vec::<&str>::new()).is_empty());

    let messages = [
        SignatureError::Missing,
        SignatureError::Malformed,
        SignatureError::Mismatch,
        SignatureError::NoSecret,
    ]
    .map(|error| error.to_string());
    for message in &messages {
        assert!(message.starts_with(char::is_lowercase) && !message.ends_with('.'));
    }
    let distinct: std::collections::BTreeSet<_> = messages.iter().collect();
    assert_eq!(distinct.len(), 4);
}

// ---------------------------------------------------------------------------------------
// Webhook events
// ---------------------------------------------------------------------------------------

#[test]
fn any_topic_decodes_as_a_generic_resource() {
    let body = fixture("webhook_orders_place.json");
    let event = Event::parse("orders.place", &body).unwrap();
    assert_eq!(event.topic(), "orders.place");
    assert_eq!(event.topic_parts().resource(), "orders");
    assert_eq!(event.topic_parts().event(), "place");
    assert_eq!(event.id(), Some("wBXVhKzrnq"));
    assert_eq!(event.body(), &body[..]);

    let document = event.decode::<GenericResource>().unwrap();
    assert_eq!(document.data.type_, "orders");
    assert_eq!(document.data.attributes["status"], "placed");
    assert_eq!(document.included.len(), 3);

    // A topic no spec knows still parses and decodes generically.
    let gizmo = br#"{"data":{"id":"g1","type":"gizmos","attributes":{"size":3}}}"#;
    let event = Event::parse("gizmos.explode", gizmo).unwrap();
    assert_eq!(
        event.decode::<GenericResource>().unwrap().data.attributes["size"],
        3
    );
}

#[cfg(all(
    feature = "orders",
    feature = "line_items",
    feature = "addresses",
    feature = "markets"
))]
#[test]
fn orders_place_decodes_as_the_clients_order_with_its_included_resources() {
    use commercelayer::addresses::Address;
    use commercelayer::line_items::LineItem;
    use commercelayer::markets::Market;
    use commercelayer::orders::{Order, OrderStatus};

    let event = Event::parse("orders.place", &fixture("webhook_orders_place.json")).unwrap();
    assert!(event.is::<Order>());
    assert!(!event.is::<LineItem>());
    let document = event.decode::<Order>().unwrap();
    let order = &document.data;
    assert_eq!(order.id, "wBXVhKzrnq");
    assert_eq!(order.attributes.status, Some(OrderStatus::Placed));
    assert_eq!(order.attributes.number.as_deref(), Some("1234"));

    let lines = order
        .relationships
        .line_items
        .as_ref()
        .unwrap()
        .data
        .as_ref()
        .unwrap();
    assert_eq!(lines.len(), 1);
    let line: LineItem = document.included.resolve(&lines[0]).unwrap().unwrap();
    assert_eq!(line.id, "kdPgtRXOKL");
    assert_eq!(
        line.attributes.sku_code.as_deref(),
        Some("TSHIRTMM000000FFFFFFXLXX")
    );
    let address = order
        .relationships
        .shipping_address
        .as_ref()
        .and_then(|relationship| relationship.data.clone().flatten())
        .unwrap();
    let address: Address = document.included.resolve(&address).unwrap().unwrap();
    assert_eq!(address.attributes.city.as_deref(), Some("New York"));
    let market: Market = document.included.get("DvlGRmhdgX").unwrap().unwrap();
    assert_eq!(market.id, "DvlGRmhdgX");

    // Decoding the event as another resource is refused before anything is decoded.
    match event.decode::<LineItem>().unwrap_err() {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "data.type");
            assert_eq!(
                message,
                "the topic `orders.place` is about `orders`, not `line_items`"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_topic_and_body_that_disagree_are_refused() {
    let body = fixture("webhook_orders_place.json");
    match Event::parse("shipments.ship", &body).unwrap_err() {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "data.type");
            assert_eq!(
                message,
                "the topic `shipments.ship` is about `shipments`, the body holds `orders`"
            );
        }
        other => panic!("{other:?}"),
    }
    for topic in [
        "",
        "orders",
        "orders.place.again",
        "ORDERS.PLACE",
        "orders.pl ace",
    ] {
        assert!(
            matches!(
                Event::parse(topic, &body).unwrap_err(),
                Error::InvalidRequest { .. }
            ),
            "{topic:?}"
        );
    }
    assert!(matches!(
        Event::parse("orders.place", b"<html>").unwrap_err(),
        Error::Decode { .. }
    ));
    assert_eq!(
        Topic::parse("orders.start_fulfilling").unwrap().event(),
        "start_fulfilling"
    );
}

// ---------------------------------------------------------------------------------------
// External callbacks: the vendor's payloads, decoded
// ---------------------------------------------------------------------------------------

/// Parses a payload fixture, checks it is what callback `C` sends, and decodes it generically.
fn external_payload<C: ExternalCallback>(
    name: &str,
) -> (Payload, commercelayer::Document<GenericResource>) {
    let payload = Payload::parse(&fixture(name)).unwrap();
    assert_eq!(payload.resource_type(), Some(C::RESOURCE), "{name}");
    let document = payload.decode::<GenericResource>().unwrap();
    (payload, document)
}

fn included_types(document: &commercelayer::Document<GenericResource>) -> Vec<String> {
    document
        .included
        .all::<GenericResource>()
        .map(|resource| resource.unwrap().type_)
        .collect()
}

#[test]
fn every_external_payload_parses_as_its_callback_sends_it() {
    let (_, prices) = external_payload::<external::Prices>("external_prices_payload.json");
    assert_eq!(prices.data.attributes["_external_price"], true);
    assert_eq!(included_types(&prices), ["orders", "markets"]);

    let order_includes = ["markets", "line_items", "skus", "addresses", "addresses"];
    let (_, taxes) = external_payload::<external::Taxes>("external_tax_calculators_payload.json");
    assert_eq!(included_types(&taxes), order_includes);
    let (_, promotions) =
        external_payload::<external::Promotions>("external_promotions_payload.json");
    assert_eq!(included_types(&promotions), order_includes);
    let (_, validation) =
        external_payload::<external::OrderValidation>("external_order_validation_payload.json");
    assert_eq!(included_types(&validation), order_includes[..3]);
    let (payload, shipping) =
        external_payload::<external::ShippingCosts>("external_shipping_costs_payload.json");
    assert_eq!(payload.id(), Some("pMeKKdCwez"));
    assert_eq!(shipping.data.attributes["formatted_cost_amount"], "€10,00");

    let payment_includes = [
        "orders",
        "markets",
        "line_items",
        "skus",
        "addresses",
        "addresses",
    ];
    for (name, id) in [
        (
            "external_payment_gateways_authorize_payload.json",
            "ZNKjeUYepv",
        ),
        (
            "external_payment_gateways_capture_payload.json",
            "yGzeUJxRJj",
        ),
        (
            "external_payment_gateways_refund_payload.json",
            "yJQDUVndWj",
        ),
    ] {
        let payload = Payload::parse(&fixture(name)).unwrap();
        assert_eq!(payload.id(), Some(id));
        let document = payload.decode::<GenericResource>().unwrap();
        assert_eq!(included_types(&document), payment_includes, "{name}");
    }
    assert_eq!(
        Payload::parse(&fixture("external_payment_gateways_capture_payload.json"))
            .unwrap()
            .resource_type(),
        Some(<external::Void as ExternalCallback>::RESOURCE)
    );
}

#[cfg(all(feature = "line_items", feature = "orders", feature = "markets"))]
#[test]
fn external_prices_payload_decodes_as_a_line_item() {
    use commercelayer::line_items::LineItem;
    use commercelayer::markets::Market;
    use commercelayer::orders::Order;

    let document = Payload::parse(&fixture("external_prices_payload.json"))
        .unwrap()
        .decode::<LineItem>()
        .unwrap();
    assert_eq!(document.data.id, "xYZkjABcde");
    assert_eq!(document.data.attributes.quantity, Some(2));
    assert_eq!(
        document.data.attributes.sku_code.as_deref(),
        Some("TSHIRTMM000000FFFFFFXLXX")
    );
    let order: Order = document.included.get("wBXVhKzrnq").unwrap().unwrap();
    assert_eq!(order.id, "wBXVhKzrnq");
    let market: Market = document.included.get("DvlGRmhdgX").unwrap().unwrap();
    assert_eq!(market.id, "DvlGRmhdgX");
}

#[cfg(all(
    feature = "orders",
    feature = "line_items",
    feature = "addresses",
    feature = "skus"
))]
#[test]
fn order_payloads_decode_as_orders() {
    use commercelayer::addresses::Address;
    use commercelayer::line_items::LineItem;
    use commercelayer::orders::Order;
    use commercelayer::skus::Sku;

    for name in [
        "external_tax_calculators_payload.json",
        "external_promotions_payload.json",
        "external_order_validation_payload.json",
    ] {
        let document = Payload::parse(&fixture(name))
            .unwrap()
            .decode::<Order>()
            .unwrap();
        assert_eq!(document.data.id, "wBXVhKzrnq", "{name}");
        let lines: Vec<LineItem> = document.included.all().map(Result::unwrap).collect();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].id, "kdPgtRXOKL");
        let skus: Vec<Sku> = document.included.all().map(Result::unwrap).collect();
        assert_eq!(skus[0].id, "XGZwpOSrWL");
        let addresses = document.included.all::<Address>().count();
        let expected = if name.contains("validation") { 0 } else { 2 };
        assert_eq!(addresses, expected, "{name}");
    }
}

#[cfg(feature = "shipments")]
#[test]
fn external_shipping_costs_payload_decodes_as_a_shipment() {
    use commercelayer::shipments::Shipment;

    let document = Payload::parse(&fixture("external_shipping_costs_payload.json"))
        .unwrap()
        .decode::<Shipment>()
        .unwrap();
    let attributes = &document.data.attributes;
    assert_eq!(attributes.number.as_deref(), Some("#1234/S/001"));
    assert_eq!(attributes.currency_code.as_deref(), Some("EUR"));
    assert_eq!(attributes.cost_amount_cents, Some(1000));
    assert_eq!(attributes.skus_count, Some(2));
}

#[cfg(all(
    feature = "external_payments",
    feature = "authorizations",
    feature = "captures"
))]
#[test]
fn external_payment_payloads_decode_as_their_transactions() {
    use commercelayer::authorizations::Authorization;
    use commercelayer::captures::Capture;
    use commercelayer::external_payments::ExternalPayment;

    let authorize = Payload::parse(&fixture("external_payment_gateways_authorize_payload.json"))
        .unwrap()
        .decode::<ExternalPayment>()
        .unwrap();
    assert_eq!(authorize.data.id, "ZNKjeUYepv");
    let capture = Payload::parse(&fixture("external_payment_gateways_capture_payload.json"))
        .unwrap()
        .decode::<Authorization>()
        .unwrap();
    assert_eq!(capture.data.id, "yGzeUJxRJj");
    let refund = Payload::parse(&fixture("external_payment_gateways_refund_payload.json")).unwrap();
    assert_eq!(refund.decode::<Capture>().unwrap().data.id, "yJQDUVndWj");
    // A payload of another type than asked for is refused at `data.type`.
    match refund.decode::<Authorization>().unwrap_err() {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "data.type");
            assert_eq!(
                message,
                "expected a resource of type `authorizations`, the callback holds `captures`"
            );
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// External callbacks: the vendor's answers, read and written
// ---------------------------------------------------------------------------------------

/// Reads a reply fixture as `T`, and checks that `expected` reads the same and writes the
/// fixture back (with `success` as a boolean, as this crate writes it).
fn round_trip<T>(name: &str, expected: T)
where
    T: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let mut fixture = fixture_json(name);
    let read: T = serde_json::from_value(fixture.clone()).unwrap();
    assert_eq!(read, expected, "{name}");
    if let Some(flag) = fixture.get_mut("success") {
        if let Some(text) = flag.as_str() {
            *flag = Value::Bool(text == "true");
        }
    }
    let written = serde_json::to_value(&expected).unwrap();
    assert!(same_json(&written, &fixture), "{name}: wrote {written}");
}

/// JSON equality where numbers compare by value (`10` is `10.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| same_json(a, b)))
        }
        _ => a == b,
    }
}

fn foo_bar() -> serde_json::Map<String, Value> {
    json!({"foo": "bar"}).as_object().unwrap().clone()
}

#[test]
fn replies_read_and_write_the_vendors_examples() {
    round_trip(
        "external_prices_response.json",
        Reply::Success(PriceData::new("TSHIRTMM000000FFFFFFXLXX", 4900).metadata(foo_bar())),
    );
    let error = Reply::<PriceData>::failure("YOUR-ERROR-CODE", "Your error message");
    round_trip("external_prices_error.json", error);

    round_trip(
        "external_tax_calculators_response_order_rate.json",
        Reply::Success(TaxData::rate(0.25).metadata(foo_bar())),
    );
    round_trip(
        "external_tax_calculators_response_line_item_rates.json",
        Reply::Success(
            TaxData::rate(0.25)
                .line_item(LineItemTax::new("kxnXtEaGxo").tax_rate(0.3))
                .line_item(LineItemTax::new("kXBqtrgARW").tax_rate(0.4))
                .metadata(foo_bar()),
        ),
    );
    round_trip(
        "external_tax_calculators_response_breakdown.json",
        Reply::Success(
            TaxData::rate(0.25)
                .freight_taxable(true)
                .line_item(
                    LineItemTax::new("kxnXtEaGxo")
                        .tax_collectable(2.25)
                        .breakdown("country_tax_collectable", 9)
                        .breakdown("country_tax_rate", 0.2)
                        .breakdown("country_taxable_amount", 9)
                        .breakdown("special_tax_rate", 0.05)
                        .taxable_amount(10.0)
                        .tax_rate(0.4),
                )
                .line_item(
                    LineItemTax::new("kXBqtrgARW")
                        .taxable_amount(12.0)
                        .tax_rate(0.3),
                )
                .metadata(foo_bar()),
        ),
    );
    round_trip(
        "external_tax_calculators_error.json",
        Reply::<TaxData>::failure("YOUR-ERROR-CODE", "Your error message"),
    );
    round_trip(
        "external_promotions_response.json",
        Reply::Success(
            DiscountData::new(1500)
                .name("My External Promotion")
                .metadata(foo_bar()),
        ),
    );
    round_trip(
        "external_promotions_error.json",
        Reply::<DiscountData>::failure("YOUR-ERROR-CODE", "Your error message"),
    );

    let transaction = TransactionData::new("your-external-transaction-token", 12900);
    round_trip(
        "external_payment_gateways_response.json",
        PaymentReply::Success(transaction.clone().metadata(foo_bar())),
    );
    round_trip(
        "external_payment_gateways_async_response.json",
        PaymentReply::pending(transaction.metadata(foo_bar()), "your-action-id"),
    );
    round_trip(
        "external_payment_gateways_error.json",
        PaymentReply::failure(
            "your-external-transaction-token",
            12900,
            CallbackError::new("YOUR-ERROR-CODE", "Your error message"),
        ),
    );
}

/// The response a reply becomes: its status and its JSON body.
fn response_of<R: Respond>(reply: R) -> (StatusCode, Value) {
    let response = reply.into_response();
    assert_eq!(response.headers()["content-type"], "application/json");
    let status = response.status();
    (status, serde_json::from_slice(response.body()).unwrap())
}

#[test]
fn replies_answer_with_the_documented_statuses() {
    let (status, body) = response_of(Reply::Success(PriceData::new("SKU", 100)));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"success": true, "data": {"sku_code": "SKU", "unit_amount_cents": 100}})
    );
    let (status, _) = response_of(Reply::<PriceData>::failure("CODE", "message"));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let transaction = TransactionData::new("token", 100);
    assert_eq!(
        response_of(PaymentReply::Success(transaction.clone())).0,
        StatusCode::OK
    );
    assert_eq!(
        response_of(PaymentReply::pending(transaction, "action-1")).0,
        StatusCode::ACCEPTED
    );
    let failure = PaymentReply::failure("token", 100, CallbackError::new("DECLINED", "declined"));
    assert_eq!(response_of(failure).0, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        response_of(ValidationReply::Valid),
        (StatusCode::OK, json!({"success": true}))
    );
    let invalid = ValidationReply::Invalid(
        ValidationErrors::new()
            .attribute("customer_email", "is not allowed")
            .attribute("base", "too many items")
            .attribute("base", "ships nowhere")
            .error(CallbackError::new("INVALID_ORDER", "the order is invalid")),
    );
    let (status, body) = response_of(invalid.clone());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({
            "success": false,
            "data": {"base": ["too many items", "ships nowhere"], "customer_email": ["is not allowed"]},
            "error": {"code": "INVALID_ORDER", "message": "the order is invalid"}
        })
    );
    assert_eq!(
        serde_json::from_value::<ValidationReply>(body).unwrap(),
        invalid
    );

    let (_, shipping) = response_of(Reply::Success(
        ShippingCostData::new(700).field("currency_code", "EUR"),
    ));
    assert_eq!(
        shipping,
        json!({"success": true, "data": {"price_amount_cents": 700, "currency_code": "EUR"}})
    );
}

// ---------------------------------------------------------------------------------------
// The framework-neutral receiver
// ---------------------------------------------------------------------------------------

fn parts(method: Method, headers: &[(&str, &str)]) -> Parts {
    let mut request = http::Request::builder().method(method).uri("/callbacks");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}

fn webhook_parts(signature: &str) -> Parts {
    parts(
        Method::POST,
        &[
            (TOPIC_HEADER, "orders.place"),
            (SIGNATURE_HEADER, signature),
        ],
    )
}

#[test]
fn the_receiver_accepts_a_signed_webhook_with_either_rotated_secret() {
    let body = Bytes::from(fixture("webhook_orders_place.json"));
    let receiver = Receiver::with_secrets(["whsec-current", "whsec-previous"]);
    for signature in [ORDER_PLACE_CURRENT, ORDER_PLACE_PREVIOUS] {
        let event = receiver
            .webhook(&webhook_parts(signature), body.clone())
            .unwrap();
        assert_eq!(event.topic(), "orders.place");
        assert_eq!(event.id(), Some("wBXVhKzrnq"));
    }
    // Header names are case-insensitive.
    let shouting = parts(
        Method::POST,
        &[
            ("X-CommerceLayer-Topic", "orders.place"),
            ("X-COMMERCELAYER-SIGNATURE", ORDER_PLACE_CURRENT),
        ],
    );
    assert!(receiver.webhook(&shouting, body).is_ok());
}

/// The status and body of a refusal.
fn refusal(rejection: Rejection) -> (StatusCode, Value) {
    let response = rejection.into_response();
    (
        response.status(),
        serde_json::from_slice(response.body()).unwrap(),
    )
}

#[test]
fn a_bad_signature_answers_401_and_says_nothing_more() {
    let body = Bytes::from(fixture("webhook_orders_place.json"));
    let receiver = Receiver::new("whsec-current");
    let unauthorized =
        json!({"success": false, "error": {"code": "UNAUTHORIZED", "message": "unauthorized"}});

    let cases = [
        (
            parts(Method::POST, &[(TOPIC_HEADER, "orders.place")]),
            SignatureError::Missing,
        ),
        (webhook_parts(""), SignatureError::Missing),
        (
            webhook_parts("bm90IGEgc2lnbmF0dXJl"),
            SignatureError::Malformed,
        ),
        (
            webhook_parts(ORDER_PLACE_PREVIOUS),
            SignatureError::Mismatch,
        ),
        (
            parts(
                Method::POST,
                &[
                    (TOPIC_HEADER, "orders.place"),
                    (SIGNATURE_HEADER, ORDER_PLACE_CURRENT),
                    (SIGNATURE_HEADER, ORDER_PLACE_CURRENT),
                ],
            ),
            SignatureError::Malformed,
        ),
    ];
    for (parts, expected) in cases {
        let rejection = receiver.webhook(&parts, body.clone()).unwrap_err();
        assert_eq!(rejection.signature_error(), Some(expected));
        assert_eq!(rejection.to_string(), expected.to_string());
        assert_eq!(
            refusal(rejection),
            (StatusCode::UNAUTHORIZED, unauthorized.clone())
        );
    }

    // A tampered body, with the right signature for the original.
    let mut tampered = body.to_vec();
    tampered[100] ^= 0x20;
    let rejection = receiver
        .webhook(&webhook_parts(ORDER_PLACE_CURRENT), tampered)
        .unwrap_err();
    assert_eq!(rejection.signature_error(), Some(SignatureError::Mismatch));
    assert_eq!(refusal(rejection), (StatusCode::UNAUTHORIZED, unauthorized));

    // A receiver without a secret is the service's fault: 500, still without detail.
    let unconfigured = Receiver::new("");
    let rejection = unconfigured
        .webhook(&webhook_parts(ORDER_PLACE_CURRENT), body)
        .unwrap_err();
    assert_eq!(rejection.signature_error(), Some(SignatureError::NoSecret));
    assert_eq!(refusal(rejection).0, StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn method_size_topic_and_body_are_checked() {
    let body = Bytes::from(fixture("webhook_orders_place.json"));
    let receiver = Receiver::new("whsec-current");

    let get = parts(Method::GET, &[(SIGNATURE_HEADER, ORDER_PLACE_CURRENT)]);
    let response = receiver
        .webhook(&get, body.clone())
        .unwrap_err()
        .into_response();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");

    // Over the limit: refused before the signature is even checked.
    let small = receiver.clone().max_body(1024);
    assert_eq!(small.max_body_bytes(), 1024);
    assert_eq!(receiver.max_body_bytes(), DEFAULT_MAX_BODY);
    let rejection = small
        .webhook(&webhook_parts(ORDER_PLACE_CURRENT), body.clone())
        .unwrap_err();
    assert!(matches!(rejection, Rejection::TooLarge { limit: 1024 }));
    assert_eq!(refusal(rejection).0, StatusCode::PAYLOAD_TOO_LARGE);
    let declared = parts(
        Method::POST,
        &[
            (TOPIC_HEADER, "orders.place"),
            (SIGNATURE_HEADER, "x"),
            ("content-length", "99999999999"),
        ],
    );
    let rejection = receiver.webhook(&declared, Bytes::new()).unwrap_err();
    assert_eq!(rejection.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Authenticated but unusable: 400, with a fixed body.
    let bad_request = json!({"success": false, "error": {"code": "BAD_REQUEST", "message": "the callback cannot be read"}});
    let no_topic = parts(Method::POST, &[(SIGNATURE_HEADER, ORDER_PLACE_CURRENT)]);
    let rejection = receiver.webhook(&no_topic, body.clone()).unwrap_err();
    assert_eq!(
        rejection.to_string(),
        "the `x-commercelayer-topic` header is missing"
    );
    assert_eq!(
        refusal(rejection),
        (StatusCode::BAD_REQUEST, bad_request.clone())
    );
    let two_topics = parts(
        Method::POST,
        &[
            (TOPIC_HEADER, "orders.place"),
            (TOPIC_HEADER, "orders.cancel"),
            (SIGNATURE_HEADER, ORDER_PLACE_CURRENT),
        ],
    );
    assert_eq!(
        receiver
            .webhook(&two_topics, body.clone())
            .unwrap_err()
            .to_string(),
        "the `x-commercelayer-topic` header is sent more than once"
    );
    let wrong_topic = parts(
        Method::POST,
        &[
            (TOPIC_HEADER, "skus.create"),
            (SIGNATURE_HEADER, ORDER_PLACE_CURRENT),
        ],
    );
    let rejection = receiver.webhook(&wrong_topic, body).unwrap_err();
    assert!(matches!(
        rejection,
        Rejection::Invalid(Error::Decode { .. })
    ));
    assert_eq!(
        refusal(rejection),
        (StatusCode::BAD_REQUEST, bad_request.clone())
    );

    // `printf 'not json' | openssl dgst -sha256 -hmac whsec-current -binary | base64`
    let rejection = receiver
        .webhook(
            &webhook_parts("brVyM9cnQILnbpD4AbN6O443ejh4cCoHti+5vgbMfmE="),
            &b"not json"[..],
        )
        .unwrap_err();
    assert!(
        matches!(rejection, Rejection::Invalid(Error::Decode { .. })),
        "{rejection:?}"
    );
    assert_eq!(refusal(rejection), (StatusCode::BAD_REQUEST, bad_request));
}

/// What a handler that must not run returns.
fn never<T>() -> T {
    panic!("the handler ran for a forged request")
}

fn prices_parts() -> Parts {
    parts(Method::POST, &[(SIGNATURE_HEADER, PRICES_SIGNATURE)])
}

#[test]
fn external_callbacks_must_hold_their_resource() {
    let body = Bytes::from(fixture("external_prices_payload.json"));
    let receiver = Receiver::new("prices-secret");
    let payload = receiver
        .external::<external::Prices>(&prices_parts(), body.clone())
        .unwrap();
    assert_eq!(payload.id(), Some("xYZkjABcde"));

    let rejection = receiver
        .external::<external::Taxes>(&prices_parts(), body.clone())
        .unwrap_err();
    assert_eq!(
        rejection.to_string(),
        "external tax calculators send `orders`, the payload holds `line_items`"
    );
    assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);

    // Decoding a price request as an order is the service's own mistake.
    #[cfg(feature = "orders")]
    {
        let rejection = receiver
            .external_document::<external::Prices, commercelayer::orders::Order>(
                &prices_parts(),
                body,
            )
            .unwrap_err();
        assert_eq!(rejection.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            rejection.to_string(),
            "misconfigured callback: external prices send `line_items`, decoded here as `orders`"
        );
    }
    #[cfg(not(feature = "orders"))]
    drop(body);
}

#[tokio::test]
async fn the_receiver_serves_an_external_price_from_typed_input_to_typed_output() {
    let body = Bytes::from(fixture("external_prices_payload.json"));
    let receiver = Receiver::new("prices-secret");

    let response = receiver
        .handle_external::<external::Prices, GenericResource, _, _>(
            &prices_parts(),
            body.clone(),
            |document| async move {
                let sku = document.data.attributes["sku_code"]
                    .as_str()
                    .unwrap_or_default();
                let quantity = document.data.attributes["quantity"].as_i64().unwrap_or(1);
                Reply::Success(PriceData::new(sku, 4900 - 100 * quantity))
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        answer,
        json!({"success": true, "data": {"sku_code": "TSHIRTMM000000FFFFFFXLXX", "unit_amount_cents": 4700}})
    );

    // A forged request never reaches the handler.
    let forged = parts(Method::POST, &[(SIGNATURE_HEADER, ORDER_PLACE_CURRENT)]);
    let response = receiver
        .handle_external::<external::Prices, GenericResource, _, _>(&forged, body, |_| async {
            never()
        })
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[cfg(feature = "line_items")]
#[tokio::test]
async fn the_receiver_decodes_the_typed_line_item() {
    use commercelayer::line_items::LineItem;

    let receiver = Receiver::new("prices-secret");
    let response = receiver
        .handle_external::<external::Prices, LineItem, _, _>(
            &prices_parts(),
            fixture("external_prices_payload.json"),
            |document| async move {
                match document.data.attributes.quantity {
                    Some(quantity) if quantity > 1 => Reply::failure("QUANTITY", "one at a time"),
                    _ => Reply::Success(PriceData::new("SKU", 1)),
                }
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.body().as_ref(),
        br#"{"success":false,"error":{"code":"QUANTITY","message":"one at a time"}}"#
    );
}

#[tokio::test]
async fn the_receiver_serves_webhooks() {
    let body = Bytes::from(fixture("webhook_orders_place.json"));
    let receiver = Receiver::new("whsec-current");

    let seen = std::sync::Mutex::new(Vec::new());
    let response = receiver
        .handle_webhook(&webhook_parts(ORDER_PLACE_CURRENT), body.clone(), |event| {
            seen.lock().unwrap().push(event.topic().to_string());
            async { Ok::<(), std::convert::Infallible>(()) }
        })
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.body().is_empty());
    assert_eq!(*seen.lock().unwrap(), ["orders.place"]);

    // A failing handler answers 500, so that Commerce Layer tries again.
    let response = receiver
        .handle_webhook(
            &webhook_parts(ORDER_PLACE_CURRENT),
            body.clone(),
            |_| async { Err("the database is down") },
        )
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = String::from_utf8(response.body().to_vec()).unwrap();
    assert!(!text.contains("database"), "{text}");

    let response = receiver
        .handle_webhook(&webhook_parts(ORDER_PLACE_PREVIOUS), body, |_| async {
            never::<Result<(), ()>>()
        })
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
