//! A fake Commerce Layer API for tests: an HTTP server on a loopback socket, holding an
//! in-memory store, that answers as the API does (the `testing` feature).
//!
//! ```no_run
//! use commercelayer::testing::FakeApi;
//! use commercelayer::customer_groups::{CustomerGroupCreate, CustomerGroupFilter};
//! use commercelayer::query::FilterField;
//!
//! # async fn run() -> commercelayer::Result<()> {
//! let fake = FakeApi::start().await;
//! let client = fake.client();
//! let vip = client.customer_groups().create(&CustomerGroupCreate::new("VIP")).await?.data;
//! let page = client
//!     .customer_groups()
//!     .list()
//!     .filter(CustomerGroupFilter::Name.cont("vip"))
//!     .await?;
//! assert_eq!(page.data[0].id, vip.id);
//! assert_eq!(fake.records("customer_groups").len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! Each fake has its own socket and store: tests running in parallel never share data. What
//! it knows of each resource (attributes, their types and flags, relationships, triggers,
//! actions) is a [`ResourceSchema`], generated from the same specs as the client.
//!
//! It answers with the API's wire format: JSON:API documents (`application/vnd.api+json`),
//! and failures as `{"errors": [{"title", "detail", "code", "source": {"pointer"}, "status"}]}`:
//! `401 INVALID_TOKEN` without the fake's access token, `404 RECORD_NOT_FOUND`, `422
//! VALIDATION_ERROR` for a missing required attribute or relationship, `400
//! PARAM_NOT_ALLOWED` for an attribute that is unknown or not writable, `400
//! FILTER_NOT_ALLOWED`, `INVALID_SORT_CRITERIA`, `INVALID_INCLUDE`, `INVALID_FIELD`,
//! `INVALID_PAGE_VALUE` for a query the API would refuse.

mod api;
mod fault;
mod query;
mod schema;
mod server;
mod store;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::client::{Client, ClientBuilder};
use crate::jsonapi::ResourceIdentifier;

pub use fault::{Fault, FaultRule};
pub use schema::{Action, AttributeSchema, Kind, Literal, RelationshipSchema, ResourceSchema};
pub use store::Record;

use api::State;
use store::Store;

/// What a test's closure does when a trigger is sent: it gets the record (after the
/// request's other changes) and the trigger's value.
pub(crate) type TriggerEffect = Arc<dyn Fn(&mut Record, &Value) + Send + Sync>;

/// The schemas of the resources whose features are on, which [`FakeApi::start`] serves.
///
/// The generator is to write them, one `const` per resource, with
/// `crate::resources::testing_schemas()` listing those of the enabled features; until it
/// does, this list is empty and a fake serves the schemas given to
/// [`FakeApiBuilder::resource`].
fn enabled_schemas() -> Vec<&'static ResourceSchema> {
    Vec::new()
}

/// State shared by the fake's handle and its server.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) access_token: String,
    pub(crate) organization_id: String,
    pub(crate) state: Mutex<State>,
    pub(crate) requests: Mutex<Vec<ReceivedRequest>>,
    pub(crate) faults: Mutex<Vec<FaultRule>>,
    pub(crate) handler_nanos: AtomicU64,
}

/// A running fake Commerce Layer API. It stops when dropped.
pub struct FakeApi {
    shared: Arc<Shared>,
    address: SocketAddr,
    server: JoinHandle<()>,
}

impl fmt::Debug for FakeApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeApi")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Builds a [`FakeApi`] serving chosen resources.
#[derive(Debug, Default)]
pub struct FakeApiBuilder {
    schemas: Vec<&'static ResourceSchema>,
    access_token: Option<String>,
}

impl FakeApiBuilder {
    /// Serves this resource too (replacing an enabled one of the same type).
    pub fn resource(mut self, schema: &'static ResourceSchema) -> Self {
        self.schemas.retain(|s| s.type_name != schema.type_name);
        self.schemas.push(schema);
        self
    }

    /// Serves these resources too.
    pub fn resources(self, schemas: impl IntoIterator<Item = &'static ResourceSchema>) -> Self {
        schemas.into_iter().fold(self, Self::resource)
    }

    /// The access token the fake accepts (a random one unless set).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// Starts the fake on a free loopback port.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, or outside a Tokio runtime; see
    /// [`FakeApiBuilder::try_start`].
    pub async fn start(self) -> FakeApi {
        match self.try_start().await {
            Ok(fake) => fake,
            Err(error) => panic!("cannot start the fake Commerce Layer API: {error}"),
        }
    }

    /// Starts the fake on a free loopback port, or says why it cannot.
    pub async fn try_start(self) -> std::io::Result<FakeApi> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let mut store = Store::new(&self.schemas);
        let random = RandomState::new().hash_one(address.port());
        let access_token = self
            .access_token
            .unwrap_or_else(|| format!("fake-token-{random:016x}"));
        let organization_id = store.new_id("organizations");
        let shared = Arc::new(Shared {
            base_url: format!("http://{address}/api"),
            access_token,
            organization_id,
            state: Mutex::new(State {
                store,
                triggers: Vec::new(),
                effects: Vec::new(),
            }),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            handler_nanos: AtomicU64::new(0),
        });
        let server = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(FakeApi {
            shared,
            address,
            server,
        })
    }
}

/// A request the fake received, as it arrived (its `Authorization` header left out).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, as sent (`/api/customer_groups`).
    pub path: String,
    /// The query string, as sent, without `?`.
    pub query: String,
    /// Every header but `Authorization`, by lowercase name, in order.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
    /// Whether it carried the fake's access token.
    pub authorized: bool,
    /// The status answered; `None` while it is handled, or when the connection was dropped.
    pub status: Option<u16>,
}

impl ReceivedRequest {
    /// The body as JSON, when it is.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// A header's first value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A trigger the fake received: which, on what, with what value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TriggerCall {
    /// The resource's type (`orders`).
    pub type_name: String,
    /// The resource's id.
    pub id: String,
    /// The trigger (`_place`).
    pub trigger: String,
    /// The value sent (`true`).
    pub value: Value,
}

/// Why the fake refused what a test asked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SeedError {}

fn seed_error(message: impl Into<String>) -> SeedError {
    SeedError {
        message: message.into(),
    }
}

impl FakeApi {
    /// Starts a fake serving every resource whose feature is on, on a free loopback port.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, or outside a Tokio runtime.
    pub async fn start() -> FakeApi {
        Self::builder().start().await
    }

    /// A builder, to choose the resources served or the access token.
    pub fn builder() -> FakeApiBuilder {
        FakeApiBuilder::default().resources(enabled_schemas())
    }

    /// The base URL to give a client: `http://127.0.0.1:{port}/api`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The socket address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The access token it accepts.
    pub fn access_token(&self) -> &str {
        &self.shared.access_token
    }

    /// A client for this fake, authenticated with its access token.
    ///
    /// # Panics
    ///
    /// Never in practice: the base URL and token are always valid.
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(error) => panic!("the fake's client settings are refused: {error}"),
        }
    }

    /// A client builder already set with this fake's base URL and access token, to adjust
    /// (retries, timeouts) before building.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.base_url())
            .access_token(self.access_token())
    }

    /// The resources it serves.
    pub fn schemas(&self) -> Vec<&'static ResourceSchema> {
        self.state().store.schemas.values().copied().collect()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a new record of `type_name` with these attributes (a JSON object; read-only
    /// attributes allowed), as if the API had made it: it gets an id, `created_at`,
    /// `updated_at` and the schema's defaults. Returns its id.
    pub fn insert(&self, type_name: &str, attributes: Value) -> Result<String, SeedError> {
        let Value::Object(attributes) = attributes else {
            return Err(seed_error("the attributes must be a JSON object"));
        };
        let mut record = Record::new(type_name, "");
        record.attributes = attributes;
        self.insert_record(record)
    }

    /// Stores a record as given (replacing the one with its id, if any); an empty id gets a
    /// new one, and a new record its timestamps and defaults. Attributes and linkage are
    /// checked against the schema. Returns its id.
    pub fn insert_record(&self, mut record: Record) -> Result<String, SeedError> {
        let mut state = self.state();
        let schema = state
            .store
            .schema(&record.type_name)
            .ok_or_else(|| seed_error(format!("the fake does not serve {}", record.type_name)))?;
        api::check_seed(schema, &mut record).map_err(seed_error)?;
        if schema.singleton {
            // There is one: the record replaces it, keeping its id.
            if let Some(existing) = state.store.singleton(schema.type_name) {
                record.id = existing.id.clone();
            }
        }
        if record.id.is_empty() {
            record.id = state.store.new_id(schema.type_name);
        }
        if state.store.get(schema.type_name, &record.id).is_none() {
            store::stamp_new(&mut record, schema);
        }
        let id = record.id.clone();
        state.store.put(record);
        Ok(id)
    }

    /// Links a relationship of a stored record to exactly these resources.
    pub fn link(
        &self,
        type_name: &str,
        id: &str,
        relationship: &str,
        to: impl IntoIterator<Item = ResourceIdentifier>,
    ) -> Result<(), SeedError> {
        let mut record = self
            .record(type_name, id)
            .ok_or_else(|| seed_error(format!("there is no {type_name} {id}")))?;
        record.link(relationship, to.into_iter().collect());
        self.insert_record(record).map(|_| ())
    }

    /// A stored record.
    pub fn record(&self, type_name: &str, id: &str) -> Option<Record> {
        self.state().store.get(type_name, id).cloned()
    }

    /// Every stored record of a type, in creation order.
    pub fn records(&self, type_name: &str) -> Vec<Record> {
        self.state()
            .store
            .table(type_name)
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every trigger received so far, in order.
    pub fn triggers(&self) -> Vec<TriggerCall> {
        self.state().triggers.clone()
    }

    /// Gives a trigger an effect: when `trigger` (`_place`) is sent to a resource of
    /// `type_name` (`orders`), `effect` gets the record, after the request's other changes
    /// and before it is stored and answered, and the trigger's value.
    ///
    /// ```no_run
    /// # async fn run(fake: commercelayer::testing::FakeApi) {
    /// fake.on_trigger("orders", "_place", |order, _value| order.set("status", "placed"));
    /// # }
    /// ```
    ///
    /// The effect runs while the fake's store is locked: it must not call the fake.
    pub fn on_trigger(
        &self,
        type_name: &str,
        trigger: &str,
        effect: impl Fn(&mut Record, &Value) + Send + Sync + 'static,
    ) {
        self.state()
            .effects
            .push((type_name.to_string(), trigger.to_string(), Arc::new(effect)));
    }

    /// Adds a fault: later requests it applies to fail as it says.
    pub fn inject(&self, rule: FaultRule) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(rule);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The time spent handling requests (routing, checking, reading and changing the
    /// store, writing the answer), excluding the network, faults and the client.
    pub fn handler_time(&self) -> Duration {
        Duration::from_nanos(
            self.shared
                .handler_nanos
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }
}
