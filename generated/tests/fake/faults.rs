//! Faults on demand: 429 with `Retry-After`, server errors, delays and dropped connections,
//! for the next N requests or a given route, seen through the client's retries.

use std::time::Duration;

use commercelayer::Error;
use commercelayer::customer_groups::CustomerGroupCreate;
use commercelayer::testing::{Fault, FaultRule};
use serde_json::json;

use super::{fake, quick_client};

fn statuses(fake: &commercelayer::testing::FakeApi) -> Vec<Option<u16>> {
    fake.requests().iter().map(|r| r.status).collect()
}

// Two 429s with `Retry-After: 0`, then the create goes through, once.
#[tokio::test]
async fn too_many_requests_are_retried_and_nothing_is_done_twice() {
    let fake = fake().await;
    fake.inject(
        FaultRule::new(Fault::TooManyRequests {
            retry_after: Some(0),
        })
        .times(2),
    );
    let created = quick_client(&fake)
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(statuses(&fake), [Some(429), Some(429), Some(201)]);
    assert_eq!(fake.records("customer_groups").len(), 1);
    assert_eq!(fake.records("customer_groups")[0].id, created.data.id);

    // The answer is the API's: an error object and the header.
    fake.inject(
        FaultRule::new(Fault::TooManyRequests {
            retry_after: Some(7),
        })
        .times(1),
    );
    let client = fake.client_builder().max_retries(0).build().unwrap();
    let error = client.customer_groups().list().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        error.api_errors()[0].code.as_deref(),
        Some("TOO_MANY_REQUESTS")
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    fake.inject(
        FaultRule::new(Fault::TooManyRequests {
            retry_after: Some(7),
        })
        .times(1),
    );
    let raw = reqwest::get(format!("{}/customer_groups", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 429);
    assert_eq!(raw.headers()["retry-after"], "7");
}

// A server error on one route: a create is not retried (its fate is unknown to the client),
// a read is.
#[tokio::test]
async fn server_errors_hit_the_route_they_are_set_on() {
    let fake = fake().await;
    let client = quick_client(&fake);
    fake.inject(
        FaultRule::new(Fault::ServerError(503))
            .on("POST", "customer_groups")
            .times(1),
    );
    let error = client
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(
        fake.records("customer_groups").is_empty(),
        "a faulted request is not acted on"
    );
    let created = client
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await
        .unwrap()
        .data;

    fake.inject(
        FaultRule::new(Fault::ServerError(500))
            .on("get", "customer_groups/*")
            .times(2),
    );
    // A list does not match `customer_groups/*`.
    client.customer_groups().list().await.unwrap();
    let retrieved = client
        .customer_groups()
        .retrieve(&created.id)
        .await
        .unwrap();
    assert_eq!(retrieved.data.id, created.id);
    assert_eq!(
        statuses(&fake),
        [
            Some(503),
            Some(201),
            Some(200),
            Some(500),
            Some(500),
            Some(200)
        ]
    );

    // Until cleared, a rule without a count applies to every matching request.
    fake.inject(FaultRule::new(Fault::ServerError(502)));
    let no_retry = fake
        .client_builder()
        .max_retries(1)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    assert!(no_retry.customer_groups().list().await.is_err());
    fake.clear_faults();
    assert!(no_retry.customer_groups().list().await.is_ok());
}

// A dropped connection: the client sees a transport error, and retries a read.
#[tokio::test]
async fn dropped_connections_are_transport_errors() {
    let fake = fake().await;
    let id = fake
        .insert("customer_groups", json!({"name": "VIP"}))
        .unwrap();
    fake.inject(
        FaultRule::new(Fault::Drop)
            .on("GET", "customer_groups/*")
            .times(1),
    );
    let retrieved = quick_client(&fake)
        .customer_groups()
        .retrieve(&id)
        .await
        .unwrap();
    assert_eq!(retrieved.data.id, id);
    assert_eq!(statuses(&fake), [None, Some(200)]);

    fake.inject(FaultRule::new(Fault::Drop).times(1));
    let once = fake.client_builder().max_retries(0).build().unwrap();
    let error = once.customer_groups().retrieve(&id).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    // A dropped create is not sent again, and nothing was created.
    fake.inject(
        FaultRule::new(Fault::Drop)
            .on("POST", "customer_groups")
            .times(1),
    );
    let error = quick_client(&fake)
        .customer_groups()
        .create(&CustomerGroupCreate::new("Gold"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(fake.records("customer_groups").len(), 1);
}

// A delay longer than the client's timeout is a timeout; a shorter one only delays.
#[tokio::test]
async fn delays_hold_the_answer_back() {
    let fake = fake().await;
    fake.inject(FaultRule::new(Fault::Delay(Duration::from_millis(500))).times(1));
    let impatient = fake
        .client_builder()
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .build()
        .unwrap();
    let error = impatient.customer_groups().list().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");

    fake.inject(FaultRule::new(Fault::Delay(Duration::from_millis(20))).times(1));
    let page = fake.client().customer_groups().list().await.unwrap();
    assert_eq!(page.meta.record_count, 0);
}
