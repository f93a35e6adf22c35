//! A loopback stand-in for the Commerce Layer API, for the bulk and pacing tests and the
//! bulk benchmark: customer groups to list (`filter[q][id_gt]`, `id_lt`, `reference_eq`,
//! `sort=id` or `-id`, `page[size]`, `page[number]`, `fields[customer_groups]`), retrieve,
//! create, update and delete; and the API's rate limits as the vendor's "Rate limits" page
//! describes them: sliding windows (an average over each class of requests, a burst for each
//! endpoint), `X-Ratelimit-*` headers for the average, and a `429` beyond either. It counts
//! what it received, refused and created, so that tests check behaviour on the server's side.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode};
use serde_json::{Map, Value, json};

/// Sliding-window limits, as the server enforces them for each class of requests (reads,
/// cacheable reads, writes).
#[derive(Debug, Clone)]
pub struct Limits {
    /// At most this many requests of a class in any span of this long (summed over the
    /// class's endpoints); reported in the `X-Ratelimit-*` headers.
    pub average: (u32, Duration),
    /// At most this many requests to one endpoint in any span of this long.
    pub burst: (u32, Duration),
    /// Places in every average window taken by another consumer (behind the same IP).
    pub foreign: u32,
    /// Whether answers carry the `X-Ratelimit-*` headers.
    pub headers: bool,
}

impl Limits {
    /// The documented test-mode limits for reads and writes (100 a minute, 25 in 10 s),
    /// with every window divided by `compression` (1 for the real scale).
    pub fn test_mode(compression: u32) -> Self {
        Self {
            average: (100, Duration::from_secs(60) / compression),
            burst: (25, Duration::from_secs(10) / compression),
            foreign: 0,
            headers: true,
        }
    }

    /// `average` requests per `average_per` over a class, `burst` per `burst_per` for each
    /// endpoint.
    pub fn new(average: u32, average_per: Duration, burst: u32, burst_per: Duration) -> Self {
        Self {
            average: (average, average_per),
            burst: (burst, burst_per),
            foreign: 0,
            headers: true,
        }
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// The query's pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    pub accept: Option<String>,
    pub body: Vec<u8>,
    pub status: u16,
    pub at: Instant,
}

impl Seen {
    /// The value of query parameter `name`, when given.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

struct Record {
    seq: u64,
    id: String,
    name: String,
    reference: Option<String>,
}

#[derive(Default)]
struct Windows {
    average: HashMap<&'static str, VecDeque<Instant>>,
    burst: HashMap<(&'static str, String), VecDeque<Instant>>,
}

struct Shared {
    limits: Option<Limits>,
    delay: Duration,
    failing: Option<String>,
    slow: Option<(String, Duration)>,
    mode: &'static str,
    total_count: bool,
    records: Mutex<BTreeMap<String, Record>>,
    seq: AtomicU64,
    seen: Mutex<Vec<Seen>>,
    windows: Mutex<Windows>,
    /// Create requests received, by reference (before any answer).
    creates: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    throttled: AtomicUsize,
    base: Mutex<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How to start a [`Server`].
pub struct Builder {
    limits: Option<Limits>,
    records: usize,
    delay: Duration,
    failing: Option<String>,
    slow: Option<(String, Duration)>,
    mode: &'static str,
    total_count: bool,
}

impl Builder {
    /// Enforces these limits (none unless set).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Starts with `n` customer groups (`group 0`...), references `ref-0`...
    pub fn records(mut self, n: usize) -> Self {
        self.records = n;
        self
    }

    /// Waits this long before answering each request.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Refuses the creates of this reference with a `422`.
    pub fn failing(mut self, reference: &str) -> Self {
        self.failing = Some(reference.to_string());
        self
    }

    /// Answers the creates of this reference only after `delay` (it still creates them).
    pub fn slow(mut self, reference: &str, delay: Duration) -> Self {
        self.slow = Some((reference.to_string(), delay));
        self
    }

    /// Counts in `meta.record_count` the records matching the filters other than the id
    /// conditions, on every page (as a server that does not count a walk's pages would).
    pub fn total_count(mut self) -> Self {
        self.total_count = true;
        self
    }

    /// The `meta.mode` of every resource (`test` unless set).
    pub fn mode(mut self, mode: &'static str) -> Self {
        self.mode = mode;
        self
    }

    pub async fn start(self) -> Server {
        let shared = Arc::new(Shared {
            limits: self.limits,
            delay: self.delay,
            failing: self.failing,
            slow: self.slow,
            mode: self.mode,
            total_count: self.total_count,
            records: Mutex::new(BTreeMap::new()),
            seq: AtomicU64::new(0),
            seen: Mutex::new(Vec::new()),
            windows: Mutex::new(Windows::default()),
            creates: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            throttled: AtomicUsize::new(0),
            base: Mutex::new(String::new()),
        });
        for n in 0..self.records {
            shared.insert(format!("group {n}"), Some(format!("ref-{n}")));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("its address");
        *lock(&shared.base) = format!("http://{address}/api");
        let router = Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Server {
            shared,
            uri: format!("http://{address}"),
            task,
        }
    }
}

/// The running server; it stops when dropped.
pub struct Server {
    shared: Arc<Shared>,
    uri: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub fn builder() -> Builder {
        Builder {
            limits: None,
            records: 0,
            delay: Duration::ZERO,
            failing: None,
            slow: None,
            mode: "test",
            total_count: false,
        }
    }

    /// `http://127.0.0.1:{port}`
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The API's base URL on this server.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.uri)
    }

    /// Every request received, in order.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.shared.seen).clone()
    }

    /// How many requests were answered `429`.
    pub fn throttled(&self) -> usize {
        self.shared.throttled.load(Ordering::SeqCst)
    }

    /// The most requests it was answering at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// How many create requests it received for each reference (refused by a limit or not).
    pub fn creates(&self) -> HashMap<String, usize> {
        lock(&self.shared.creates).clone()
    }

    /// How many groups it stores for each reference.
    pub fn stored_by_reference(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for record in lock(&self.shared.records).values() {
            *counts
                .entry(record.reference.clone().unwrap_or_default())
                .or_default() += 1;
        }
        counts
    }

    /// The ids of the stored groups, in order of id.
    pub fn ids(&self) -> Vec<String> {
        lock(&self.shared.records).keys().cloned().collect()
    }

    /// How many groups it stores.
    pub fn stored(&self) -> usize {
        lock(&self.shared.records).len()
    }
}

/// A 10-character id like the API's (`xYZkjABcde`), from a counter: unique, and in an order
/// unrelated to creation.
fn id_for(n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    let mut id = String::with_capacity(10);
    for _ in 0..6 {
        id.push(ALPHABET[(x % 52) as usize] as char);
        x /= 52;
    }
    // The counter itself, so that ids never collide.
    id.push_str(&format!("{:04}", n % 10_000));
    id
}

impl Shared {
    fn insert(&self, name: String, reference: Option<String>) -> String {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst);
        let mut records = lock(&self.records);
        let mut n = seq;
        let mut id = id_for(n);
        while records.contains_key(&id) {
            n += 1_000_003;
            id = id_for(n);
        }
        records.insert(
            id.clone(),
            Record {
                seq,
                id: id.clone(),
                name,
                reference,
            },
        );
        id
    }

    /// Takes a place in the windows of `class` and `endpoint`, or says none is left; the
    /// average's remaining places either way.
    fn admit(&self, class: &'static str, endpoint: &str) -> Option<(bool, u32)> {
        let limits = self.limits.as_ref()?;
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        let prune = |log: &mut VecDeque<Instant>, per: Duration| {
            while log.front().is_some_and(|t| now.duration_since(*t) >= per) {
                log.pop_front();
            }
        };
        let average = windows.average.entry(class).or_default();
        prune(average, limits.average.1);
        let average_count = average.len() as u32 + limits.foreign;
        let burst = windows
            .burst
            .entry((class, endpoint.to_string()))
            .or_default();
        prune(burst, limits.burst.1);
        let burst_count = burst.len() as u32;
        if average_count >= limits.average.0 || burst_count >= limits.burst.0 {
            return Some((false, limits.average.0.saturating_sub(average_count)));
        }
        burst.push_back(now);
        windows.average.entry(class).or_default().push_back(now);
        Some((true, limits.average.0 - average_count - 1))
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        if bytes[i] == b'%' {
            if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn document(status: StatusCode, body: Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/vnd.api+json"),
    );
    response
}

fn error(status: StatusCode, code: &str, detail: &str) -> Response<Body> {
    document(
        status,
        json!({"errors": [{"title": detail, "detail": detail, "code": code, "status": status.as_str()}]}),
    )
}

fn resource(shared: &Shared, record: &Record, fields: Option<&[String]>) -> Value {
    let wanted = |name: &str| fields.is_none_or(|fields| fields.iter().any(|f| f == name));
    let mut attributes = Map::new();
    if wanted("name") {
        attributes.insert("name".into(), json!(record.name));
    }
    if wanted("reference") {
        attributes.insert("reference".into(), json!(record.reference));
    }
    json!({
        "id": record.id,
        "type": "customer_groups",
        "links": {"self": format!("{}/customer_groups/{}", lock(&shared.base), record.id)},
        "attributes": attributes,
        "meta": {"mode": shared.mode},
    })
}

struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response<Body> {
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _in_flight = InFlight(&shared);
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = parse_query(request.uri().query());
    let accept = request
        .headers()
        .get("accept")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let body = to_bytes(request.into_body(), 1 << 20)
        .await
        .map(|bytes| bytes.to_vec())
        .unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let endpoint = segments.get(1).copied().unwrap_or("").to_string();
    let class = if method == Method::GET {
        "read"
    } else {
        "write"
    };
    if method == Method::POST && segments.as_slice() == ["api", "customer_groups"] {
        let reference = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|doc| {
                doc["data"]["attributes"]["reference"]
                    .as_str()
                    .map(str::to_string)
            })
            .unwrap_or_default();
        *lock(&shared.creates).entry(reference).or_default() += 1;
    }
    let admitted = shared.admit(class, &endpoint);
    let mut response = match admitted {
        Some((false, _)) => {
            shared.throttled.fetch_add(1, Ordering::SeqCst);
            error(
                StatusCode::TOO_MANY_REQUESTS,
                "TOO_MANY_REQUESTS",
                "You have exceeded the rate limit",
            )
        }
        _ => {
            if !shared.delay.is_zero() {
                tokio::time::sleep(shared.delay).await;
            }
            answer(&shared, &method, &segments, &query, &body).await
        }
    };
    if let (Some((_, remaining)), Some(limits)) = (admitted, shared.limits.as_ref()) {
        if limits.headers {
            let headers = response.headers_mut();
            let number = |n: u64| HeaderValue::from_str(&n.to_string()).expect("digits");
            headers.insert("x-ratelimit-limit", number(u64::from(limits.average.0)));
            headers.insert(
                "x-ratelimit-interval",
                number(limits.average.1.as_secs().max(1)),
            );
            headers.insert("x-ratelimit-remaining", number(u64::from(remaining)));
        }
    }
    lock(&shared.seen).push(Seen {
        method: method.to_string(),
        path,
        query,
        accept,
        body,
        status: response.status().as_u16(),
        at: Instant::now(),
    });
    response
}

async fn answer(
    shared: &Shared,
    method: &Method,
    segments: &[&str],
    query: &[(String, String)],
    body: &[u8],
) -> Response<Body> {
    match (method.clone(), segments) {
        (Method::GET, ["api", "customer_groups"]) => list(shared, query),
        (Method::POST, ["api", "customer_groups"]) => create(shared, body).await,
        (Method::GET, ["api", "customer_groups", id]) => {
            let records = lock(&shared.records);
            match records.get(*id) {
                Some(record) => document(
                    StatusCode::OK,
                    json!({"data": resource(shared, record, None)}),
                ),
                None => error(StatusCode::NOT_FOUND, "RECORD_NOT_FOUND", "not found"),
            }
        }
        (Method::PATCH, ["api", "customer_groups", id]) => {
            let mut records = lock(&shared.records);
            match records.get_mut(*id) {
                Some(record) => {
                    let doc: Value = serde_json::from_slice(body).unwrap_or_default();
                    if let Some(name) = doc["data"]["attributes"]["name"].as_str() {
                        record.name = name.to_string();
                    }
                    document(
                        StatusCode::OK,
                        json!({"data": resource(shared, record, None)}),
                    )
                }
                None => error(StatusCode::NOT_FOUND, "RECORD_NOT_FOUND", "not found"),
            }
        }
        (Method::DELETE, ["api", "customer_groups", id]) => {
            match lock(&shared.records).remove(*id) {
                Some(_) => {
                    let mut response = Response::new(Body::empty());
                    *response.status_mut() = StatusCode::NO_CONTENT;
                    response
                }
                None => error(StatusCode::NOT_FOUND, "RECORD_NOT_FOUND", "not found"),
            }
        }
        _ => error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such endpoint"),
    }
}

fn list(shared: &Shared, query: &[(String, String)]) -> Response<Body> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let size = match get("page[size]").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(size @ 1..=25)) => size,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_PAGE_SIZE",
                "bad page size",
            );
        }
    };
    let number = match get("page[number]").map(str::parse::<usize>) {
        None => 1,
        Some(Ok(number @ 1..)) => number,
        Some(_) => return error(StatusCode::BAD_REQUEST, "INVALID_PAGE", "bad page number"),
    };
    let fields: Option<Vec<String>> =
        get("fields[customer_groups]").map(|f| f.split(',').map(str::to_string).collect());
    let records = lock(&shared.records);
    let filtered = |record: &&Record| {
        get("filter[q][reference_eq]").is_none_or(|r| record.reference.as_deref() == Some(r))
    };
    let total = records.values().filter(filtered).count();
    let mut matching: Vec<&Record> = records
        .values()
        .filter(|record| get("filter[q][id_gt]").is_none_or(|gt| record.id.as_str() > gt))
        .filter(|record| get("filter[q][id_lt]").is_none_or(|lt| record.id.as_str() < lt))
        .filter(filtered)
        .collect();
    match get("sort") {
        None => matching.sort_by_key(|record| record.seq),
        Some("id") => {}
        Some("-id") => matching.reverse(),
        Some(_) => {
            return error(StatusCode::BAD_REQUEST, "INVALID_SORT_CRITERIA", "bad sort");
        }
    }
    let count = if shared.total_count {
        total
    } else {
        matching.len()
    };
    let data: Vec<Value> = matching
        .iter()
        .skip((number - 1) * size)
        .take(size)
        .map(|record| resource(shared, record, fields.as_deref()))
        .collect();
    document(
        StatusCode::OK,
        json!({
            "data": data,
            "meta": {"record_count": count, "page_count": count.div_ceil(size)},
            "links": {},
        }),
    )
}

async fn create(shared: &Shared, body: &[u8]) -> Response<Body> {
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "not JSON");
    };
    let attributes = &doc["data"]["attributes"];
    let Some(name) = attributes["name"].as_str() else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            "name - can't be blank",
        );
    };
    let reference = attributes["reference"].as_str().map(str::to_string);
    if reference.is_some() && reference == shared.failing {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            "reference - is refused",
        );
    }
    if let Some((slow, delay)) = &shared.slow {
        if reference.as_ref() == Some(slow) {
            tokio::time::sleep(*delay).await;
        }
    }
    let id = shared.insert(name.to_string(), reference);
    let records = lock(&shared.records);
    document(
        StatusCode::CREATED,
        json!({"data": resource(shared, &records[&id], None)}),
    )
}
