//! The fake's HTTP side: a hyper server on a loopback socket, which logs each request,
//! applies the faults asked for, checks the access token and media types, and hands the
//! request to the endpoints.

use std::convert::Infallible;
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::api::{self, Problem, Site};
use super::fault::Fault;
use super::{ReceivedRequest, Shared};
use crate::client::JSON_API;

/// The largest request body the fake reads.
const MAX_BODY: usize = 1 << 20;

/// Accepts connections until the task is aborted (when the fake is dropped), which also
/// ends every connection.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::task::yield_now().await;
            continue;
        };
        while connections.try_join_next().is_some() {}
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            // Notified to close the connection without answering (a `Drop` fault).
            let kill = Arc::new(Notify::new());
            let killer = Arc::clone(&kill);
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                let killer = Arc::clone(&killer);
                async move { Ok::<_, Infallible>(answer(&shared, &killer, request).await) }
            });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            let connection = pin!(connection);
            let killed = pin!(kill.notified());
            // Either ends the connection: dropping it closes the socket.
            let _ = futures_util::future::select(connection, killed).await;
        });
    }
}

type Answer = Response<Full<Bytes>>;

fn respond(status: u16, body: Option<Vec<u8>>) -> Answer {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Full::new(body.clone().map(Bytes::from).unwrap_or_default()));
    *response.status_mut() = status;
    if body.is_some() {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_API));
    }
    response
}

fn problem(problem: &Problem) -> Answer {
    respond(problem.status, Some(problem.body()))
}

async fn answer(shared: &Shared, killer: &Notify, request: Request<Incoming>) -> Answer {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return problem(&Problem::new(
                413,
                "PAYLOAD_TOO_LARGE",
                "Payload too large",
                format!("the fake reads bodies of {MAX_BODY} bytes at most"),
                None,
            ));
        }
    };
    let token = format!("Bearer {}", shared.access_token);
    let authorized = parts
        .headers
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == token.as_bytes());
    let headers = parts
        .headers
        .iter()
        .filter(|(name, _)| *name != AUTHORIZATION)
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let index = {
        let mut log = shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        log.push(ReceivedRequest {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            authorized,
            status: None,
        });
        log.len() - 1
    };
    let record_status = |status: u16| {
        let mut log = shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = log.get_mut(index) {
            entry.status = Some(status);
        }
    };

    // Faults come first: they stand for the network and the API's edge.
    let segments: Vec<&str> = path
        .strip_prefix("/api/")
        .unwrap_or("")
        .split('/')
        .collect();
    let faults: Vec<Fault> = {
        let mut rules = shared.faults.lock().unwrap_or_else(PoisonError::into_inner);
        rules
            .iter_mut()
            .filter(|rule| rule.applies(&method, &segments))
            .map(|rule| {
                if let Some(remaining) = rule.remaining.as_mut() {
                    *remaining -= 1;
                }
                rule.fault.clone()
            })
            .collect()
    };
    for fault in faults {
        match fault {
            Fault::Delay(wait) => tokio::time::sleep(wait).await,
            Fault::Drop => {
                killer.notify_one();
                std::future::pending::<()>().await;
            }
            Fault::TooManyRequests { retry_after } => {
                record_status(429);
                let mut response = problem(&Problem::new(
                    429,
                    "TOO_MANY_REQUESTS",
                    "Too many requests",
                    "You have exceeded the rate limit for this endpoint",
                    None,
                ));
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(RETRY_AFTER, HeaderValue::from(seconds));
                }
                return response;
            }
            Fault::ServerError(status) => {
                let status = if (500..=599).contains(&status) {
                    status
                } else {
                    500
                };
                record_status(status);
                return problem(&Problem::new(
                    status,
                    "INTERNAL_SERVER_ERROR",
                    "Internal server error",
                    "Something went wrong",
                    None,
                ));
            }
        }
    }

    let started = Instant::now();
    let answer = handle(
        shared,
        &parts.headers,
        authorized,
        &method,
        &path,
        &query,
        &body,
    );
    let elapsed = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    shared.handler_nanos.fetch_add(elapsed, Ordering::Relaxed);
    record_status(answer.status().as_u16());
    answer
}

fn handle(
    shared: &Shared,
    headers: &hyper::HeaderMap,
    authorized: bool,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Answer {
    if !authorized {
        return problem(&Problem::new(
            401,
            "INVALID_TOKEN",
            "Invalid token",
            "The access token you provided is invalid.",
            None,
        ));
    }
    let accepts = headers.get_all(ACCEPT).iter().all(|value| {
        let value = value.to_str().unwrap_or("");
        value.contains(JSON_API) || value.contains("*/*")
    });
    if !accepts {
        return problem(&Problem::new(
            406,
            "NOT_ACCEPTABLE",
            "Not acceptable",
            format!("All requests must use the '{JSON_API}' Accept header"),
            None,
        ));
    }
    if matches!(method, "POST" | "PATCH") {
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if content_type.is_none_or(|t| !t.starts_with(JSON_API)) {
            return problem(&Problem::new(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Unsupported media type",
                format!(
                    "All requests that create or update must use the '{JSON_API}' Content-Type"
                ),
                None,
            ));
        }
    }
    let site = Site {
        base_url: &shared.base_url,
        organization_id: &shared.organization_id,
    };
    let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
    match api::handle(&mut state, &site, method, path, query, body) {
        Ok(reply) => respond(reply.status, reply.body),
        Err(error) => problem(&error),
    }
}
