//! What the authentication tests share: a loopback server standing in for the token endpoint,
//! the revoke endpoint and the API, access tokens shaped as Commerce Layer's JWTs, the bodies
//! the token endpoint received, and checks that no secret reached an error.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

use std::time::Duration;

use base64::Engine as _;
use commercelayer::jsonapi::GenericResource;
use commercelayer::{Client, ClientBuilder, Error, ItemCall, JSON_API};
use serde_json::{Value, json};
use wiremock::matchers::{bearer_token, body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The token endpoint's path on the test server.
pub const TOKEN_PATH: &str = "/oauth/token";
/// The revoke endpoint's path on the test server (the token path, `token` replaced).
pub const REVOKE_PATH: &str = "/oauth/revoke";
/// The customer group every call retrieves.
pub const GROUP_PATH: &str = "/api/customer_groups/xYZkjABcde";

/// A builder for a client of the API under `server`'s `/api`, authenticating at `server`'s
/// token endpoint with `client_id`, retrying after a millisecond or two.
pub fn builder(server: &MockServer, client_id: &str) -> ClientBuilder {
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .auth_url(format!("{}{TOKEN_PATH}", server.uri()))
        .client_id(client_id)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

/// Retrieves the customer group.
pub fn retrieve(client: &Client) -> ItemCall<GenericResource> {
    ItemCall::retrieve(client, "customer_groups", "xYZkjABcde")
}

/// A JSON:API document of the customer group.
pub fn group_document() -> String {
    json!({ "data": {
        "id": "xYZkjABcde",
        "type": "customer_groups",
        "attributes": { "name": "VIP" },
        "meta": { "mode": "test" }
    }})
    .to_string()
}

/// The token endpoint's answer: `token`, for `expires_in` seconds, with `refresh` when given,
/// shaped as the vendor documents the password grant's.
pub fn token_answer(token: &str, expires_in: u64, refresh: Option<&str>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "refresh_token": refresh,
        "scope": "market:all",
        "created_at": 1_700_000_000,
        "owner_id": "zxcVBnMASd",
        "owner_type": "customer"
    }))
}

/// Mounts the token endpoint answering `answer` to requests whose body holds `partial`.
pub async fn token_when(server: &MockServer, partial: Value, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_partial_json(partial))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// Mounts the API answering with the group when called with `token`, and `401` otherwise.
pub async fn api_accepting(server: &MockServer, tokens: &[&str]) {
    for token in tokens {
        Mock::given(path(GROUP_PATH))
            .and(bearer_token(*token))
            .respond_with(ResponseTemplate::new(200).set_body_raw(group_document(), JSON_API))
            .mount(server)
            .await;
    }
    Mock::given(path(GROUP_PATH))
        .respond_with(invalid_token())
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

/// The API's answer to a refused token.
pub fn invalid_token() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_raw(
        r#"{"errors":[{"title":"Invalid token","detail":"The access token you provided is invalid.","code":"INVALID_TOKEN","status":"401"}]}"#,
        JSON_API,
    )
}

/// Every request the server received at `path`, in order.
pub async fn received_at(server: &MockServer, path: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("the mock server records requests")
        .into_iter()
        .filter(|request| request.url.path() == path)
        .collect()
}

/// The JSON bodies the server received at `path`, in order, after checking each was a JSON
/// POST accepting JSON and carrying no `Authorization`.
pub async fn bodies_at(server: &MockServer, path: &str) -> Vec<Value> {
    received_at(server, path)
        .await
        .iter()
        .map(|request| {
            assert_eq!(request.method.as_str(), "POST");
            assert_eq!(header(request, "content-type"), ["application/json"]);
            assert_eq!(header(request, "accept"), ["application/json"]);
            assert!(header(request, "authorization").is_empty());
            serde_json::from_slice(&request.body).expect("a JSON body")
        })
        .collect()
}

/// The values a request carries for a header.
pub fn header(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect()
}

/// The `Authorization` headers the API received, in order.
pub async fn tokens_sent(server: &MockServer) -> Vec<String> {
    received_at(server, GROUP_PATH)
        .await
        .iter()
        .flat_map(|request| header(request, "authorization"))
        .collect()
}

/// A Commerce Layer access token (an unsigned JWT) with `payload`.
pub fn jwt(payload: &Value) -> String {
    let encode = |json: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string().as_bytes())
    };
    format!(
        "{}.{}.c2lnbmF0dXJl",
        encode(&json!({ "alg": "RS512", "typ": "JWT", "kid": "k1" })),
        encode(payload)
    )
}

/// Seconds since the epoch, `offset` seconds from now.
pub fn epoch(offset: i64) -> i64 {
    chrono::Utc::now().timestamp() + offset
}

/// A sales channel's token payload for organization `slug`, expiring `offset` seconds from
/// now, with a customer owner and a market, as the vendor's `jwtDecode` types describe it.
pub fn sales_channel_payload(slug: &str, offset: i64) -> Value {
    json!({
        "organization": { "id": "WXlEOFrjnr", "slug": slug, "enterprise": true, "region": "eu-west-1" },
        "application": { "id": "DNOPYiZYpn", "kind": "sales_channel", "public": true },
        "owner": { "id": "zxcVBnMASd", "type": "Customer" },
        "market": {
            "id": ["BjQzVhMPQy"],
            "price_list_id": "vLrWQCJBVo",
            "stock_location_ids": ["KaMeoumxJM", "nXvKJuRXEy"],
            "geocoder_id": null,
            "allows_external_prices": false
        },
        "scope": "market:id:BjQzVhMPQy",
        "exp": epoch(offset),
        "test": true,
        "rand": 0.5,
        "iat": epoch(offset - 14_400),
        "iss": "https://auth.commercelayer.io"
    })
}

/// A secret as a server could echo it: raw, in a JSON string (and with `\/`, and as
/// `\uXXXX` escapes), percent-encoded (either case, `+` for a space), and as HTML references.
pub fn encodings(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).expect("JSON");
    let json = json[1..json.len() - 1].to_string();
    let all_u: String = secret
        .encode_utf16()
        .map(|unit| format!("\\u{unit:04x}"))
        .collect();
    let percent = |upper: bool, plus: bool| -> String {
        secret
            .bytes()
            .map(|byte| match byte {
                b if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) => (b as char).to_string(),
                b' ' if plus => "+".to_string(),
                b if upper => format!("%{b:02X}"),
                b => format!("%{b:02x}"),
            })
            .collect()
    };
    let html: String = secret
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("&#{};", c as u32)
            }
        })
        .collect();
    let mut forms = vec![
        secret.to_string(),
        json.clone(),
        json.replace('/', "\\/"),
        all_u,
        percent(true, false),
        percent(false, true),
        html,
    ];
    forms.dedup();
    forms
}

/// A token endpoint answer refusing the request with `status`, echoing its whole body, and
/// every form of each of `secrets`, in `error_description` and in the body.
pub fn echoing_refusal(status: u16, secrets: Vec<String>) -> impl Fn(&Request) -> ResponseTemplate {
    move |request: &Request| {
        let received = String::from_utf8_lossy(&request.body).into_owned();
        let forms: Vec<String> = secrets.iter().flat_map(|s| encodings(s)).collect();
        ResponseTemplate::new(status).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": format!("you sent {received}: {}", forms.join(" | ")),
            "echo": { "received": received, "forms": forms }
        }))
    }
}

/// Asserts that no text of `error` (Display, Debug, body, Location) holds any form of any of
/// `secrets`, and that something was redacted.
pub fn assert_scrubbed(what: &str, error: &Error, secrets: &[&str]) {
    let mut texts = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    texts.extend(error.body().map(str::to_string));
    texts.extend(error.location().map(str::to_string));
    for secret in secrets {
        for form in encodings(secret) {
            for text in &texts {
                assert!(!text.contains(&form), "{what}: {form:?} in {text}");
            }
        }
    }
    assert!(
        texts.iter().any(|text| text.contains("<redacted>")),
        "{what}: nothing was redacted in {texts:?}"
    );
}
