//! What the generated conformance tests (`tests/conformance.rs`) call: a local API server, a
//! client pointed at it, and checks of the requests it receives. Hand-written.

use std::future::IntoFuture;

pub use commercelayer::jsonapi::{Mode, RelationshipLinks, ResourceIdentifier, Secret};
use commercelayer::{Client, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The id of every resource the tests handle.
pub const ID: &str = "xYZkjABcde";

/// The access token the client sends.
const TOKEN: &str = "conformance-access-token";

/// The JSON:API media type.
const JSON_API: &str = "application/vnd.api+json";

/// A local stand-in for the API, and a client for it.
pub struct Api {
    server: MockServer,
    client: Client,
}

impl Api {
    /// Starts a server on loopback and a client whose base URL is its `/api`.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let client = Client::builder()
            .base_url(format!("{}/api", server.uri()))
            .access_token(TOKEN)
            .build()
            .expect("a valid client configuration");
        Self { server, client }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Answers the next request with `status` and `body`, sends `call`, and returns what it
    /// gave and the one request the server received.
    pub async fn exchange<C, T>(&self, status: u16, body: String, call: C) -> (Result<T>, Recorded)
    where
        C: IntoFuture<Output = Result<T>>,
    {
        self.server.reset().await;
        let mut response = ResponseTemplate::new(status);
        if !body.is_empty() {
            response = response.set_body_raw(body, JSON_API);
        }
        Mock::given(any())
            .respond_with(response)
            .mount(&self.server)
            .await;
        let result = call.await;
        let mut requests = self
            .server
            .received_requests()
            .await
            .expect("request recording is on");
        assert_eq!(requests.len(), 1, "one request per call");
        (result, Recorded(requests.remove(0)))
    }
}

/// A request the server received.
pub struct Recorded(wiremock::Request);

impl Recorded {
    /// Checks the method, the path (with no query), the JSON:API headers, and the body: absent
    /// (with no `Content-Type`) for `None`, else the same JSON as `body`.
    pub fn expect(&self, method: &str, path: &str, body: Option<&str>) {
        let request = &self.0;
        assert_eq!(request.method.as_str(), method);
        assert_eq!(request.url.path(), path);
        assert_eq!(request.url.query(), None, "no query parameters");
        assert_eq!(header(request, "accept"), Some(JSON_API));
        let authorization = format!("Bearer {TOKEN}");
        assert_eq!(
            header(request, "authorization"),
            Some(authorization.as_str())
        );
        match body {
            None => {
                assert!(request.body.is_empty(), "{method} {path} sends no body");
                assert_eq!(header(request, "content-type"), None);
            }
            Some(expected) => {
                assert_eq!(header(request, "content-type"), Some(JSON_API));
                let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
                let expected: Value = serde_json::from_str(expected).expect("expected JSON");
                assert!(
                    same_json(&sent, &expected),
                    "{method} {path} sent\n{sent}\nexpected\n{expected}"
                );
            }
        }
    }
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// JSON equality where two timestamps for the same instant are equal, however they are
/// written (`12:00:00Z` and `12:00:00.000Z`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => {
            a == b
                || matches!(
                    (a.parse::<DateTime<Utc>>(), b.parse::<DateTime<Utc>>()),
                    (Ok(a), Ok(b)) if a == b
                )
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same_json(value, other)))
        }
        (a, b) => a == b,
    }
}

/// A single-resource document around a resource object.
pub fn document(resource: &str) -> String {
    format!(r#"{{"data":{resource}}}"#)
}

/// A one-page list document holding one resource object.
pub fn list_document(resource: &str) -> String {
    format!(
        r#"{{"data":[{resource}],"meta":{{"record_count":1,"page_count":1}},"links":{{"first":"https://yourdomain.commercelayer.io/api/x?page%5Bnumber%5D=1","last":"https://yourdomain.commercelayer.io/api/x?page%5Bnumber%5D=1"}}}}"#
    )
}

pub use chrono::{DateTime, Utc};

/// A timestamp from its RFC 3339 text.
pub fn datetime(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 timestamp")
}

/// A JSON object from its text.
pub fn json_map(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).expect("a JSON object")
}

/// Any value from its JSON text.
pub fn from_json<T: DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("JSON of the right shape")
}

/// Checks that a decoded value is present and serializes to the example's JSON.
pub fn assert_json<T: Serialize + std::fmt::Debug>(value: &Option<T>, example: &str) {
    let example: Value = serde_json::from_str(example).expect("the example is JSON");
    let decoded = serde_json::to_value(value).expect("serializable");
    assert_eq!(decoded, example, "{value:?}");
}

/// Checks that a relationship's `related` link ends with `suffix`.
pub fn assert_related(links: Option<&RelationshipLinks>, suffix: &str) {
    let related = links.and_then(|links| links.related.as_deref());
    assert!(
        related.is_some_and(|link| link.ends_with(suffix)),
        "related link {related:?} should end with {suffix}"
    );
}
