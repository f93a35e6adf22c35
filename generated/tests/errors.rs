//! How the customer_groups calls fail: each shape of failure response, undecodable successes,
//! a server that is not there, and ids that must not leave their path segment.

mod common;

use commercelayer::customer_groups::{CustomerGroupCreate, CustomerGroupUpdate};
use commercelayer::error::{MAX_ERROR_BODY, MAX_ERROR_TEXT};
use commercelayer::{Client, Error};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    ACCESS_TOKEN, SEED_ID, SEED_RESPONSE, assert_bodiless, client_for, group, json_api, object,
    only_request, page_document, received,
};

/// A server answering every request with `response`.
async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

// A JSON:API errors document becomes Error::Api with the status, every member of every error object, and the raw body.
#[tokio::test]
async fn an_errors_document_is_an_api_error_with_every_member() {
    let body = json!({ "errors": [
        {
            "title": "can't be blank",
            "detail": "name - can't be blank",
            "code": "VALIDATION_ERROR",
            "source": { "pointer": "/data/attributes/name" },
            "status": "422",
            "meta": { "error": "blank" }
        },
        {
            "title": "has already been taken",
            "detail": "code - has already been taken",
            "code": "VALIDATION_ERROR",
            "source": { "pointer": "/data/attributes/code" },
            "status": "422",
            "meta": { "error": "taken", "value": "vip1" }
        }
    ]})
    .to_string();
    let server = answering(json_api(422, body.clone())).await;

    let result = client_for(&server)
        .customer_groups()
        .create(&CustomerGroupCreate::new("").code("vip1"))
        .await;

    let error = result.expect_err("a 422 is an error");
    assert_eq!(
        error.to_string(),
        "POST /api/customer_groups: the API answered 422 Unprocessable Entity: \
         name - can't be blank (VALIDATION_ERROR) at /data/attributes/name; \
         code - has already been taken (VALIDATION_ERROR) at /data/attributes/code"
    );
    let Error::Api {
        status,
        errors,
        body: raw,
        ..
    } = error
    else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(status.as_u16(), 422);
    assert_eq!(raw, body);
    assert_eq!(errors.len(), 2);
    let expected = [
        ("can't be blank", "name", json!({ "error": "blank" })),
        (
            "has already been taken",
            "code",
            json!({ "error": "taken", "value": "vip1" }),
        ),
    ];
    for (error, (title, attribute, meta)) in errors.iter().zip(expected) {
        assert_eq!(error.title.as_deref(), Some(title));
        assert_eq!(
            error.detail.as_deref(),
            Some(format!("{attribute} - {title}").as_str())
        );
        assert_eq!(error.code.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(error.status.as_deref(), Some("422"));
        let source = error.source.as_ref().expect("a source");
        assert_eq!(
            source.pointer.as_deref(),
            Some(format!("/data/attributes/{attribute}").as_str())
        );
        assert_eq!(source.parameter, None);
        assert_eq!(error.meta, Some(object(meta)));
    }
}

// A failure with an HTML body becomes Error::UnexpectedResponse with the status, Content-Type and raw body.
#[tokio::test]
async fn an_html_failure_is_an_unexpected_response() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = answering(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await;

    match result {
        Err(Error::UnexpectedResponse {
            status,
            content_type,
            body,
            ..
        }) => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(body, html);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

// A failure with no body becomes Error::UnexpectedResponse with an empty body.
#[tokio::test]
async fn an_empty_failure_is_an_unexpected_response() {
    let server = answering(ResponseTemplate::new(502)).await;

    let result = client_for(&server).customer_groups().list().await;

    let error = result.expect_err("a 502 is an error");
    assert_eq!(
        error.to_string(),
        "GET /api/customer_groups: unexpected response 502 Bad Gateway with an empty body"
    );
    match error {
        Error::UnexpectedResponse {
            status,
            content_type,
            body,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(content_type, None);
            assert_eq!(body, "");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

/// Asserts `result` failed to decode at `expected_path`, keeping the status and the body.
fn assert_decode_error<T: std::fmt::Debug>(
    result: commercelayer::Result<T>,
    expected_path: &str,
    expected_body: &str,
) -> String {
    match result {
        Err(Error::Decode {
            status,
            path,
            message,
            body,
            ..
        }) => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(path, expected_path);
            assert_eq!(body, expected_body);
            message
        }
        other => panic!("expected Error::Decode at {expected_path:?}, got {other:?}"),
    }
}

// A 200 whose created_at is not a date is Error::Decode naming data.attributes.created_at.
#[tokio::test]
async fn an_undecodable_date_is_a_decode_error_at_its_field() {
    let body = SEED_RESPONSE.replacen(
        r#""created_at": "2018-01-01T12:00:00.000Z""#,
        r#""created_at": "not a date""#,
        1,
    );
    assert_ne!(body, SEED_RESPONSE, "the date was replaced");
    let server = answering(json_api(200, body.clone())).await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await;

    let message = assert_decode_error(result, "data.attributes.created_at", &body);
    assert!(!message.is_empty());
}

// A 200 whose resource has no id is Error::Decode at data, saying which field is missing.
#[tokio::test]
async fn a_resource_without_an_id_is_a_decode_error_at_data() {
    let body = SEED_RESPONSE.replacen(r#""id": "xYZkjABcde","#, "", 1);
    assert_ne!(body, SEED_RESPONSE, "the id was removed");
    let server = answering(json_api(200, body.clone())).await;

    let result = client_for(&server)
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await;

    let message = assert_decode_error(result, "data", &body);
    assert_eq!(message, "missing field `id`");
}

// An undecodable group in a list is located by its index in data.
#[tokio::test]
async fn an_undecodable_list_item_is_located_by_its_index() {
    let mut broken = group("g2", "Gold");
    broken["attributes"]["created_at"] = json!("yesterday");
    let body = page_document(vec![group("g1", "VIP"), broken], 1, 1, 2);
    let server = answering(json_api(200, body.clone())).await;

    let result = client_for(&server).customer_groups().list().await;

    assert_decode_error(result, "data[1].attributes.created_at", &body);
}

// A 200 whose body is not JSON at all is Error::Decode with an empty path and the body kept.
#[tokio::test]
async fn a_success_that_is_not_json_is_a_decode_error() {
    let html = "<html><body>Welcome</body></html>";
    let server = answering(ResponseTemplate::new(200).set_body_raw(html, "text/html")).await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await;

    assert_decode_error(result, "", html);
}

// A port nobody listens on gives Error::Transport, with no status.
#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{closed_port}/api"))
        .access_token(ACCESS_TOKEN)
        .build()
        .expect("a valid client configuration");

    let result = client.customer_groups().retrieve(SEED_ID).await;

    let error = result.expect_err("nothing listens there");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.status(), None);
}

// retrieve("../orders") stays inside the customer_groups collection, as one encoded segment.
#[tokio::test]
async fn a_path_like_id_stays_in_its_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer_groups/%2E%2E%2Forders"))
        .respond_with(json_api(200, SEED_RESPONSE))
        .mount(&server)
        .await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve("../orders")
        .await;

    assert_bodiless(
        &only_request(&server).await,
        "GET",
        "/api/customer_groups/%2E%2E%2Forders",
        None,
    );
    result.expect("the group decodes");
}

// Every endpoint taking an id percent-encodes it into one segment; update keeps it raw in the body.
#[tokio::test]
async fn every_endpoint_encodes_its_id() {
    let server = answering(json_api(200, SEED_RESPONSE)).await;
    let groups = client_for(&server).customer_groups();
    let id = "a/b?c#d%e f";

    // Only what was sent matters here: the answer fits some of these calls and not others.
    let _ = groups.retrieve(id).await;
    let _ = groups.update(id, &CustomerGroupUpdate::new()).await;
    let _ = groups.delete(id).await;
    let _ = groups.customers(id).await;

    let requests = received(&server).await;
    let sent: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| (request.method.as_str(), request.url.path()))
        .collect();
    let segment = "/api/customer_groups/a%2Fb%3Fc%23d%25e%20f";
    assert_eq!(
        sent,
        [
            ("GET", segment),
            ("PATCH", segment),
            ("DELETE", segment),
            ("GET", &format!("{segment}/customers")),
        ]
    );
    assert!(requests.iter().all(|request| request.url.query().is_none()));
    assert_eq!(
        std::str::from_utf8(&requests[1].body).expect("a UTF-8 body"),
        r#"{"data":{"type":"customer_groups","id":"a/b?c#d%e f","attributes":{}}}"#
    );
}

// An empty id, "." or ".." is Error::InvalidRequest on every endpoint, and nothing is sent.
#[tokio::test]
async fn empty_and_dot_ids_fail_before_sending() {
    let server = answering(json_api(200, SEED_RESPONSE)).await;
    let groups = client_for(&server).customer_groups();

    for id in ["", ".", ".."] {
        let results = [
            ("retrieve", groups.retrieve(id).await.map(drop)),
            (
                "update",
                groups
                    .update(id, &CustomerGroupUpdate::new())
                    .await
                    .map(drop),
            ),
            ("delete", groups.delete(id).await),
            ("customers", groups.customers(id).await.map(drop)),
        ];
        for (endpoint, result) in results {
            assert!(
                matches!(result, Err(Error::InvalidRequest { .. })),
                "{endpoint}({id:?}): {result:?}"
            );
        }
    }
    assert!(received(&server).await.is_empty(), "no request was sent");
}

// The refusal of an invalid id says what is wrong once, without repeating its own prefix.
#[tokio::test]
async fn an_invalid_id_is_reported_once() {
    let server = answering(json_api(200, SEED_RESPONSE)).await;

    let result = client_for(&server).customer_groups().retrieve("..").await;

    let error = result.expect_err("\"..\" is refused");
    assert_eq!(
        error.to_string(),
        r#"invalid request: ".." is not a valid resource id"#
    );
    match error {
        Error::InvalidRequest { message, .. } => {
            assert_eq!(message, r#"".." is not a valid resource id"#)
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

/// Whether a text holds a character that must not reach a terminal raw.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

// A 10 MB detail and a 50 MB body make bounded errors that say they were cut.
#[tokio::test]
async fn huge_details_and_bodies_make_bounded_errors() {
    let detail = "d".repeat(10 * 1024 * 1024);
    let document = json!({ "errors": [{ "detail": detail, "code": "HUGE" }] }).to_string();
    let length = document.len();
    let server = answering(json_api(400, document)).await;
    let error = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await
        .expect_err("a 400");
    let kept = error.api_errors()[0].detail.as_deref().expect("a detail");
    assert!(kept.len() <= MAX_ERROR_TEXT + 32, "{}", kept.len());
    assert!(
        kept.ends_with("… (truncated)"),
        "{}",
        &kept[kept.len() - 40..]
    );
    let body = error.body().expect("a body");
    assert!(body.len() <= MAX_ERROR_BODY + 64, "{}", body.len());
    assert!(
        body.ends_with(&format!("(truncated: the body is {length} bytes)")),
        "{}",
        &body[body.len() - 60..]
    );
    assert!(
        error.to_string().len() < 2 * 1024,
        "{}",
        error.to_string().len()
    );
    assert!(format!("{error:?}").len() < 2 * MAX_ERROR_BODY);

    let huge = "<p>proxy error</p>\n".repeat(50 * 1024 * 1024 / 19);
    let server =
        answering(ResponseTemplate::new(502).set_body_raw(huge.clone(), "text/html")).await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .access_token(ACCESS_TOKEN)
        .max_response_size(64 * 1024 * 1024)
        .max_retries(0)
        .build()
        .expect("a client");
    let error = client
        .customer_groups()
        .retrieve(SEED_ID)
        .await
        .expect_err("a 502");
    assert!(
        matches!(error, Error::UnexpectedResponse { .. }),
        "{error:?}"
    );
    let body = error.body().expect("a body");
    assert!(body.len() <= MAX_ERROR_BODY + 64, "{}", body.len());
    assert!(body.ends_with(&format!("(truncated: the body is {} bytes)", huge.len())));
    assert!(
        error.to_string().len() < 1024,
        "{}",
        error.to_string().len()
    );
}

// Terminal escapes and control characters a server sends reach no error text raw.
#[tokio::test]
async fn server_text_reaches_no_terminal_raw() {
    let hostile =
        "\u{1b}[2J\u{1b}]0;owned\u{7}\u{1b}[31mred\r\nfake: line\u{0}\u{202e}evil\u{9b}6n";
    let document = json!({ "errors": [{
        "title": hostile, "detail": hostile, "code": hostile,
        "source": { "pointer": hostile }, "meta": { hostile: hostile }
    }]})
    .to_string();
    let server = MockServer::start().await;
    Mock::given(path("/api/customer_groups/json"))
        .respond_with(json_api(422, document))
        .mount(&server)
        .await;
    Mock::given(path("/api/customer_groups/text"))
        .respond_with(
            ResponseTemplate::new(500).set_body_raw(format!("oops {hostile}"), "text/plain"),
        )
        .mount(&server)
        .await;
    let mut decode = group(SEED_ID, "VIP");
    decode["attributes"]["created_at"] = json!(hostile);
    Mock::given(path("/api/customer_groups/decode"))
        .respond_with(json_api(200, common::item_document(decode)))
        .mount(&server)
        .await;
    let groups = common::client_without_retries(&server).customer_groups();

    let errors = [
        groups.retrieve("json").await.expect_err("a 422"),
        groups.retrieve("text").await.expect_err("a 500"),
        groups.retrieve("decode").await.expect_err("not a date"),
    ];

    for error in &errors {
        let display = error.to_string();
        assert!(
            !has_control(&display) && !display.contains('\n'),
            "{display:?}"
        );
        assert!(
            !display.contains("[31m") && !display.contains("0;owned"),
            "{display:?}"
        );
        let body = error.body().expect("a body");
        assert!(!has_control(body) && !body.contains('\u{1b}'), "{body:?}");
        for api_error in error.api_errors() {
            let texts = [&api_error.title, &api_error.detail, &api_error.code];
            for text in texts.into_iter().flatten() {
                assert_eq!(text, "red fake: lineevil", "{text:?}");
            }
            let meta = serde_json::to_string(&api_error.meta).expect("JSON");
            assert!(!meta.contains("\\u001b"), "{meta}");
        }
    }
    assert!(
        matches!(&errors[2], Error::Decode { path, .. } if path == "data.attributes.created_at")
    );
}

// A retrieve answered with a resource of another type is a decode error naming both types.
#[tokio::test]
async fn a_resource_of_another_type_is_a_decode_error() {
    let mut sku = group(SEED_ID, "VIP");
    sku["type"] = json!("skus");
    let body = common::item_document(sku.clone());
    let server = answering(json_api(200, body.clone())).await;

    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await;

    let message = assert_decode_error(result, "data.type", &body);
    assert_eq!(
        message,
        r#"expected a resource of type `customer_groups`, got "skus""#
    );

    let list = page_document(vec![group("g1", "VIP"), sku], 1, 1, 2);
    let server = answering(json_api(200, list.clone())).await;
    let result = client_for(&server).customer_groups().list().await;
    let message = assert_decode_error(result, "data[1].type", &list);
    assert!(message.contains(r#"got "skus""#), "{message}");

    let mut untyped = group(SEED_ID, "VIP");
    untyped.as_object_mut().expect("an object").remove("type");
    let body = common::item_document(untyped);
    let server = answering(json_api(200, body.clone())).await;
    let result = client_for(&server)
        .customer_groups()
        .retrieve(SEED_ID)
        .await;
    let message = assert_decode_error(result, "data", &body);
    assert_eq!(message, "missing field `type`");
}

// An id of a mebibyte is an invalid request before anything is sent, with a short message.
#[tokio::test]
async fn an_over_long_id_fails_before_sending() {
    let server = answering(json_api(200, SEED_RESPONSE)).await;
    let groups = client_for(&server).customer_groups();
    let id = "a".repeat(1024 * 1024);

    let results = [
        groups.retrieve(&id).await.map(drop),
        groups
            .update(&id, &CustomerGroupUpdate::new())
            .await
            .map(drop),
        groups.delete(&id).await,
        groups.customers(&id).await.map(drop),
    ];

    for result in results {
        match result {
            Err(error @ Error::InvalidRequest { .. }) => assert_eq!(
                error.to_string(),
                "invalid request: the resource id is 1048576 bytes long; the longest accepted \
                 is 1024"
            ),
            other => panic!("{other:?}"),
        }
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
    assert_eq!(commercelayer::query::MAX_ID_LENGTH, 1024);
    groups
        .retrieve(&"a".repeat(1024))
        .await
        .expect("an id of the longest length is sent");
}
