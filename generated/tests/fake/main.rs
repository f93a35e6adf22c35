//! The fake Commerce Layer API (`commercelayer::testing`) over real loopback sockets, through
//! the real client: each behaviour of the API it stands for, and its test-side controls.

#![cfg(all(feature = "testing", feature = "customer_groups"))]

mod crud;
mod faults;
mod lists;
mod relationships;
mod schemas;

use std::time::Duration;

use commercelayer::jsonapi::GenericResource;
use commercelayer::testing::FakeApi;
use commercelayer::{Client, Document, Error, ItemCall};
use serde_json::{Value, json};

/// A fake serving the hand-written schemas of `schemas.rs`.
async fn fake() -> FakeApi {
    FakeApi::builder().resources(schemas::ALL).start().await
}

/// The fake's client, retrying after a millisecond or two instead of 200 ms and more.
fn quick_client(fake: &FakeApi) -> Client {
    fake.client_builder()
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .expect("the fake's settings make a client")
}

/// `POST /{collection}` with these attributes and relationships (JSON), decoded generically.
async fn create(
    client: &Client,
    collection: &str,
    attributes: Value,
    relationships: Option<Value>,
) -> Result<Document<GenericResource>, Error> {
    ItemCall::<GenericResource>::create_linked(client, collection, &attributes, relationships).await
}

/// `PATCH /{collection}/{id}` with these attributes (JSON), decoded generically.
async fn update(
    client: &Client,
    collection: &str,
    id: &str,
    attributes: Value,
) -> Result<Document<GenericResource>, Error> {
    ItemCall::<GenericResource>::update(client, collection, id, &attributes).await
}

/// The one error object of an API error, with its status.
fn only_error(error: &Error) -> (u16, Value) {
    let status = error.status().map(|s| s.as_u16()).unwrap_or_default();
    let body: Value = serde_json::from_str(error.body().unwrap_or("null")).unwrap_or(Value::Null);
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "one error object: {body}");
    (status, errors[0].clone())
}

/// The three links a market requires, to resources the fake does not serve.
fn market_links() -> Value {
    json!({
        "merchant": {"data": {"type": "merchants", "id": "mErChAnTid"}},
        "price_list": {"data": {"type": "price_lists", "id": "pRiCeLiStd"}},
        "inventory_model": {"data": {"type": "inventory_models", "id": "iNvEnToRyd"}},
    })
}
