//! What the customer_groups integration tests share: the API's documented create request and
//! response, a client pointed at a local wiremock server, JSON:API documents to answer with,
//! and assertions on the requests the server received.

// Each test crate (one per file under tests/) uses its own part of this module.
#![allow(dead_code)]

use commercelayer::{Client, DEFAULT_USER_AGENT, JSON_API};
use serde_json::{Map, Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The access token every test client sends.
pub const ACCESS_TOKEN: &str = "test-access-token";

/// The id of the customer group the API's documentation creates.
pub const SEED_ID: &str = "xYZkjABcde";

/// The body the API documents for creating a customer group named `VIP`, as sent: compact.
pub const SEED_REQUEST: &str = r#"{"data":{"type":"customer_groups","attributes":{"name":"VIP"}}}"#;

/// The `201 Created` response the API documents for that request (its "Create a customer
/// group" page), verbatim.
pub const SEED_RESPONSE: &str = r#"{
  "data": {
    "id": "xYZkjABcde",
    "type": "customer_groups",
    "links": {
      "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde"
    },
    "attributes": {
      "name": "VIP",
      "created_at": "2018-01-01T12:00:00.000Z",
      "updated_at": "2018-01-01T12:00:00.000Z",
      "reference": "ANY-EXTERNAL-REFEFERNCE",
      "reference_origin": "ANY-EXTERNAL-REFEFERNCE-ORIGIN",
      "metadata": {
        "foo": "bar"
      }
    },
    "relationships": {
      "customers": {
        "links": {
          "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/relationships/customers",
          "related": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/customers"
        }
      },
      "markets": {
        "links": {
          "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/relationships/markets",
          "related": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/markets"
        }
      },
      "attachments": {
        "links": {
          "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/relationships/attachments",
          "related": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/attachments"
        }
      }
    },
    "meta": {
      "mode": "test"
    }
  }
}"#;

/// A client for the API under `server`'s `/api`, built as users build one, except that it
/// waits a millisecond or two (not the default 200 ms and more) before retrying.
pub fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(ACCESS_TOKEN)
        .retry_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
        .build()
        .expect("a loopback base URL and a plain token make a valid client")
}

/// A response carrying a JSON:API document.
pub fn json_api(status: u16, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), JSON_API)
}

/// A customer group resource object as the API sends one in a retrieve or a list.
pub fn group(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "type": "customer_groups",
        "links": { "self": format!("https://yourdomain.commercelayer.io/api/customer_groups/{id}") },
        "attributes": {
            "name": name,
            "code": null,
            "created_at": "2018-01-01T12:00:00.000Z",
            "updated_at": "2018-01-01T12:00:00.000Z",
            "reference": null,
            "reference_origin": null,
            "metadata": {}
        },
        "meta": { "mode": "test" }
    })
}

/// The members of a JSON object, such as a `metadata` attribute.
pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(members) => members,
        other => panic!("not a JSON object: {other}"),
    }
}

/// A document holding one resource.
pub fn item_document(resource: Value) -> String {
    json!({ "data": resource }).to_string()
}

/// Page `number` of a list of `page_count` pages and `record_count` resources, with the
/// links the API sends: no `prev` on the first page, no `next` on the last.
pub fn page_document(
    resources: Vec<Value>,
    number: u64,
    page_count: u64,
    record_count: u64,
) -> String {
    let link = |n: u64| {
        format!("https://yourdomain.commercelayer.io/api/customer_groups?page%5Bnumber%5D={n}")
    };
    let mut links = json!({ "first": link(1), "last": link(page_count.max(1)) });
    if number > 1 {
        links["prev"] = json!(link(number - 1));
    }
    if number < page_count {
        links["next"] = json!(link(number + 1));
    }
    json!({
        "data": resources,
        "meta": { "record_count": record_count, "page_count": page_count },
        "links": links
    })
    .to_string()
}

/// Every request the server received, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("the mock server records requests")
}

/// The one request the server received; fails when it received none or several.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request: {requests:#?}"
    );
    requests.remove(0)
}

/// The values a request carries for a header, in order.
pub fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect()
}

/// Asserts a request without a body (a read or a delete): its method, its path and query as
/// sent (still percent-encoded), the headers every request carries, and neither a body nor a
/// `Content-Type`.
pub fn assert_bodiless(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_target_and_headers(request, method, path, query);
    assert_eq!(
        header_values(request, "content-type"),
        Vec::<String>::new(),
        "a request without a body has no Content-Type"
    );
    assert_eq!(body_text(request), "", "only writes send a body");
}

/// Asserts a write: its method, its path and query as sent, the headers every request
/// carries, and exactly `body`, sent as a JSON:API document.
pub fn assert_write(request: &Request, method: &str, path: &str, query: Option<&str>, body: &str) {
    assert_target_and_headers(request, method, path, query);
    assert_eq!(
        header_values(request, "content-type"),
        [JSON_API],
        "a write is sent as application/vnd.api+json, not application/json"
    );
    assert_eq!(body_text(request), body);
}

fn assert_target_and_headers(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method, "method");
    assert_eq!(request.url.path(), path, "path as sent");
    assert_eq!(request.url.query(), query, "query string as sent");
    assert_eq!(header_values(request, "accept"), [JSON_API], "Accept");
    assert_eq!(
        header_values(request, "authorization"),
        [format!("Bearer {ACCESS_TOKEN}")],
        "Authorization"
    );
    assert_eq!(
        header_values(request, "user-agent"),
        [DEFAULT_USER_AGENT],
        "User-Agent"
    );
}

fn body_text(request: &Request) -> &str {
    std::str::from_utf8(&request.body).expect("the request body is UTF-8")
}

/// The path of the stand-in token endpoint on a test server.
pub const TOKEN_PATH: &str = "/oauth/token";

/// The token endpoint's answer for `token`, valid for `expires_in` seconds, shaped as Commerce
/// Layer's auth documents it.
pub fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": "market:all",
        "created_at": 1_700_000_000
    }))
}

/// A builder for a client of the API under `server`'s `/api` that authenticates with client
/// credentials at `server`'s [`TOKEN_PATH`], retrying after a millisecond or two.
pub fn credentials_client(server: &MockServer, client_id: &str) -> commercelayer::ClientBuilder {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .auth_url(format!("{}{TOKEN_PATH}", server.uri()))
        .client_id(client_id)
        .retry_backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
}

/// The requests the server received at `path`, in order.
pub async fn received_at(server: &MockServer, path: &str) -> Vec<Request> {
    received(server)
        .await
        .into_iter()
        .filter(|request| request.url.path() == path)
        .collect()
}

/// [`client_for`], but never retrying: for tests about what one failure does, which would
/// otherwise see a failed `GET` sent again.
pub fn client_without_retries(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(ACCESS_TOKEN)
        .max_retries(0)
        .build()
        .expect("a loopback base URL and a plain token make a valid client")
}

/// A raw HTTP/1.1 server that answers every request with a head and then a body streamed in
/// chunks, far longer than any client should read: it counts the requests it got and the
/// body bytes it managed to write before the client hung up.
pub struct StreamingServer {
    /// `http://127.0.0.1:{port}`
    pub base: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    written: std::sync::Arc<std::sync::atomic::AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StreamingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl StreamingServer {
    /// Answers with `status`, the `extra` header lines (each ending in `\r\n`), and `total`
    /// bytes of `filler` in 64 KiB chunks (chunked transfer encoding), unless the client
    /// stops reading first.
    pub async fn start(status: &str, extra: &str, filler: u8, total: u64) -> Self {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let written = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/vnd.api+json\r\n{extra}\
             transfer-encoding: chunked\r\n\r\n"
        );
        let (counter, bytes) = (requests.clone(), written.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (counter, bytes, head) = (counter.clone(), bytes.clone(), head.clone());
                tokio::spawn(async move {
                    // Read the request head (and any small body) before answering.
                    let mut buffer = vec![0u8; 64 * 1024];
                    let mut read = Vec::new();
                    loop {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read.extend_from_slice(&buffer[..n]),
                        }
                        if read.windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    if stream.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let chunk = vec![filler; 64 * 1024];
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(&chunk);
                    framed.extend_from_slice(b"\r\n");
                    let mut sent = 0u64;
                    while sent < total {
                        if stream.write_all(&framed).await.is_err() {
                            return;
                        }
                        sent += chunk.len() as u64;
                        bytes.store(sent, Ordering::SeqCst);
                    }
                    let _ = stream.write_all(b"0\r\n\r\n").await;
                });
            }
        });
        Self {
            base,
            requests,
            written,
            task,
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Body bytes written so far.
    pub fn written(&self) -> u64 {
        self.written.load(std::sync::atomic::Ordering::SeqCst)
    }
}
