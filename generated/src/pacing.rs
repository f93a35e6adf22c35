//! Pacing: a client-side limiter, shared by every clone of a client, that keeps requests
//! within the API's rate limits, so that bulk work runs at the limit instead of learning of
//! it from `429`s.
//!
//! The API limits each IP with sliding windows (the vendor's "Rate limits" page): an
//! *average* limit over a minute, summed over every endpoint of a class, and a *burst* limit
//! over ten seconds for each endpoint of the class. The classes are cacheable reads (the
//! resources of [`CACHEABLE_RESOURCES`]), other reads, and writes; the limits depend on the
//! mode (test or live). Answers report the average limit of their class in
//! `X-Ratelimit-Limit`, `-Interval` and `-Remaining`; the burst limit is not reported.
//!
//! The limiter keeps, for each window, the requests of the last window-length. A request
//! occupies its place in a window from the moment it is let go until its answer (or failure)
//! is complete, and for the window's length after that: the server saw it at some moment in
//! between, so a request let go when that place frees can never be in the same window as it
//! on the server's clock. Requests wait, in order for each endpoint, until every window they
//! count in has room. What the headers say is honoured: the reported limit and interval
//! replace the class's average, and a `Remaining` lower than this client's own count reveals
//! other consumers behind the same IP, whose requests then take places in the window too. A
//! `429` blocks the window for its whole length (or for its `Retry-After`).
//!
//! Pacing is on by default with the documented limits ([`Pacing::documented`]) and follows
//! the server: an answer reporting no rate limit (a test double, a proxy) turns it off until
//! one reports a limit again ([`Pacing::always`] keeps it on regardless); [`Pacing::off`]
//! turns it off for good.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use futures_util::future::{Either, select};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::retry::{RateLimit, retry_after};

/// The resources whose reads are cacheable, with the higher limits: these, and every
/// `*_promotions` resource.
pub const CACHEABLE_RESOURCES: &[&str] = &[
    "bundles",
    "imports",
    "markets",
    "prices",
    "price_lists",
    "promotions",
    "sku_options",
    "skus",
    "stock_items",
    "stock_locations",
];

/// How long after its window a request's place is kept, unless configured otherwise: room
/// for a server that rounds its clock.
pub const DEFAULT_PACING_MARGIN: Duration = Duration::from_millis(50);

/// The longest window, margin or wait the limiter accepts from a configuration: a day.
const MAX_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest interval accepted from an `X-Ratelimit-Interval` header (a longer one is cut
/// to it): an hour.
const MAX_REPORTED_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// The largest limit accepted from an `X-Ratelimit-Limit` header.
const MAX_REPORTED_LIMIT: u64 = 100_000;

/// Above this many endpoints, the idle ones are forgotten.
const MAX_ENDPOINTS: usize = 512;

/// The environment an API key works in, which sets the documented limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiMode {
    /// Test mode: half the live limits.
    Test,
    /// Live mode.
    Live,
}

impl ApiMode {
    fn index(self) -> usize {
        match self {
            ApiMode::Test => 0,
            ApiMode::Live => 1,
        }
    }
}

/// The class of a request, which sets the limits it counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestClass {
    /// A read (`GET`, `HEAD`, `OPTIONS`) of a resource in [`CACHEABLE_RESOURCES`] or a
    /// `*_promotions` resource.
    CacheableRead,
    /// Any other read.
    Read,
    /// A write: `POST`, `PATCH`, `PUT`, `DELETE`.
    Write,
}

impl RequestClass {
    /// The class of `method` on `path` (under the base URL, as `customer_groups/{id}`; the
    /// resource is its first segment).
    pub fn of(method: &Method, path: &str) -> Self {
        if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return RequestClass::Write;
        }
        let resource = endpoint(path);
        if CACHEABLE_RESOURCES.contains(&resource) || resource.ends_with("_promotions") {
            RequestClass::CacheableRead
        } else {
            RequestClass::Read
        }
    }

    fn index(self) -> usize {
        match self {
            RequestClass::CacheableRead => 0,
            RequestClass::Read => 1,
            RequestClass::Write => 2,
        }
    }
}

/// The endpoint a path counts against for the burst limit: its first segment, the resource
/// (`customer_groups` for `customer_groups/{id}/markets`).
pub(crate) fn endpoint(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    path.split('/').next().unwrap_or(path)
}

/// A sliding window: at most `requests` in any span of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    requests: u32,
    per: Duration,
}

impl Window {
    /// At most `requests` requests in any span of `per`.
    pub const fn new(requests: u32, per: Duration) -> Self {
        Self { requests, per }
    }

    /// How many requests the window allows.
    pub const fn requests(&self) -> u32 {
        self.requests
    }

    /// The window's length.
    pub const fn per(&self) -> Duration {
        self.per
    }
}

/// The limits of one class of requests: the average, summed over every endpoint of the
/// class, and the burst, for each endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassLimits {
    /// The average limit (a minute), over the whole class.
    pub average: Window,
    /// The burst limit (ten seconds), for each endpoint.
    pub burst: Window,
}

impl ClassLimits {
    /// Limits of `average` over the class and `burst` for each endpoint.
    pub const fn new(average: Window, burst: Window) -> Self {
        Self { average, burst }
    }

    /// The limits the vendor documents for `class` in `mode`.
    ///
    /// | class | live: average / burst | test: average / burst |
    /// | --- | --- | --- |
    /// | cacheable reads | 1,000 a minute / 250 in 10 s | 500 / 125 |
    /// | other reads | 200 a minute / 50 in 10 s | 100 / 25 |
    /// | writes | 200 a minute / 50 in 10 s | 100 / 25 |
    pub const fn documented(mode: ApiMode, class: RequestClass) -> Self {
        const MINUTE: Duration = Duration::from_secs(60);
        const TEN_SECONDS: Duration = Duration::from_secs(10);
        let (average, burst) = match (mode, class) {
            (ApiMode::Live, RequestClass::CacheableRead) => (1000, 250),
            (ApiMode::Test, RequestClass::CacheableRead) => (500, 125),
            (ApiMode::Live, _) => (200, 50),
            (ApiMode::Test, _) => (100, 25),
        };
        Self::new(
            Window::new(average, MINUTE),
            Window::new(burst, TEN_SECONDS),
        )
    }
}

const CLASSES: [RequestClass; 3] = [
    RequestClass::CacheableRead,
    RequestClass::Read,
    RequestClass::Write,
];

/// How a client paces its requests ([`ClientBuilder::pacing`](crate::ClientBuilder::pacing)).
///
/// The default, [`Pacing::documented`], paces by the vendor's documented limits for the
/// client's mode (test limits until the mode is known) and by what the answers report.
///
/// ```
/// use std::time::Duration;
/// use commercelayer::pacing::{ApiMode, ClassLimits, Pacing, RequestClass, Window};
///
/// // An enterprise plan with twice the documented live limits for writes:
/// let pacing = Pacing::documented().mode(ApiMode::Live).limits(
///     ApiMode::Live,
///     RequestClass::Write,
///     ClassLimits::new(
///         Window::new(400, Duration::from_secs(60)),
///         Window::new(100, Duration::from_secs(10)),
///     ),
/// );
/// # let _ = pacing;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pacing {
    enabled: bool,
    always: bool,
    mode: Option<ApiMode>,
    limits: [[ClassLimits; 3]; 2],
    margin: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Self::documented()
    }
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.enabled {
            return f.write_str("Pacing::off");
        }
        f.debug_struct("Pacing")
            .field("always", &self.always)
            .field("mode", &self.mode)
            .field("test", &self.limits[0])
            .field("live", &self.limits[1])
            .field("margin", &self.margin)
            .finish()
    }
}

impl Pacing {
    /// Paces by the vendor's documented limits ([`ClassLimits::documented`]) for the mode
    /// the client learns (the first answer's `meta.mode`), test limits until then, and by
    /// the `X-Ratelimit-*` headers. The default.
    pub fn documented() -> Self {
        let of = |mode| CLASSES.map(|class| ClassLimits::documented(mode, class));
        Self {
            enabled: true,
            always: false,
            mode: None,
            limits: [of(ApiMode::Test), of(ApiMode::Live)],
            margin: DEFAULT_PACING_MARGIN,
        }
    }

    /// No pacing: every request is sent at once, and a `429` is retried after its
    /// `Retry-After` or the backoff ([`ClientBuilder::retry_backoff`](crate::ClientBuilder::retry_backoff)),
    /// as a client without a limiter does.
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::documented()
        }
    }

    /// Paces even when the answers report no rate limit. Without it, an answer without
    /// `X-Ratelimit-*` headers (which every Commerce Layer answer has) turns pacing off until
    /// an answer has them again, so that a server that does not limit (a test double) is not
    /// paced.
    pub fn always(mut self) -> Self {
        self.always = true;
        self
    }

    /// The mode the client works in, when known before any answer (otherwise it is learnt
    /// from the first answer's `meta.mode`).
    pub fn mode(mut self, mode: ApiMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Other limits for `class` in `mode` than the documented ones (for a plan with other
    /// limits, or a test server with shorter windows).
    pub fn limits(mut self, mode: ApiMode, class: RequestClass, limits: ClassLimits) -> Self {
        self.limits[mode.index()][class.index()] = limits;
        self
    }

    /// How long after its window a request's place is still kept
    /// ([`DEFAULT_PACING_MARGIN`] unless set).
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Whether requests are paced at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The limits of `class` in `mode` (before any the answers report).
    pub fn limits_of(&self, mode: ApiMode, class: RequestClass) -> ClassLimits {
        self.limits[mode.index()][class.index()]
    }

    /// Why these settings cannot pace anything, if they cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.margin > MAX_WINDOW {
            return Err("the pacing margin must be at most a day".to_string());
        }
        for limits in self.limits.iter().flatten() {
            for window in [limits.average, limits.burst] {
                if window.requests == 0 || window.per.is_zero() || window.per > MAX_WINDOW {
                    return Err(format!(
                        "a pacing window must allow at least one request over more than zero \
                         and at most a day, not {} over {:?}",
                        window.requests, window.per
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The limiter of a client and its clones; nothing when pacing is off.
#[derive(Clone)]
pub(crate) struct Pacer {
    shared: Option<Arc<Shared>>,
}

struct Shared {
    config: Pacing,
    state: Mutex<State>,
    /// Told whenever a request finishes or what the limits are changes.
    changed: Notify,
    /// One queue for each endpoint of each class, so that its requests go in order.
    queues: Mutex<HashMap<(RequestClass, String), Queue>>,
}

/// The turn of the requests to one endpoint: held while waiting for a place.
type Queue = Arc<tokio::sync::Mutex<()>>;

struct State {
    mode: Option<ApiMode>,
    /// Whether requests are held to the limits (the answers report limits, or `always`).
    engaged: bool,
    classes: [ClassState; 3],
}

#[derive(Default)]
struct ClassState {
    /// The average limit the answers report, which replaces the configured one.
    reported: Option<Window>,
    average: Log,
    bursts: HashMap<String, Log>,
}

/// The requests in one window.
#[derive(Default)]
struct Log {
    /// When the requests whose answers are not complete yet were let go.
    in_flight: Vec<Instant>,
    /// When the complete ones were let go and completed, in the order they completed.
    done: VecDeque<(Instant, Instant)>,
    /// Requests of other consumers the headers revealed, and until when they count.
    foreign: u32,
    foreign_until: Option<Instant>,
    /// The previous answer's estimate of the others' requests, and when it was made.
    last_estimate: Option<(u64, Instant)>,
    /// After a `429`: nothing is let go before this.
    blocked_until: Option<Instant>,
}

/// When a request may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ready {
    Now,
    At(Instant),
    /// When requests in flight finish.
    Blocked,
}

impl Ready {
    fn and(self, other: Ready) -> Ready {
        match (self, other) {
            (Ready::Blocked, _) | (_, Ready::Blocked) => Ready::Blocked,
            (Ready::Now, other) | (other, Ready::Now) => other,
            (Ready::At(a), Ready::At(b)) => Ready::At(a.max(b)),
        }
    }
}

/// `at + wait`, or very far in the future when that does not fit an `Instant`.
fn after(at: Instant, wait: Duration) -> Instant {
    at.checked_add(wait)
        .or_else(|| at.checked_add(MAX_WINDOW * 365))
        .unwrap_or(at)
}

impl Log {
    fn forget_expired(&mut self, expiry: Duration, now: Instant) {
        while let Some(&(_, done)) = self.done.front() {
            if after(done, expiry) <= now {
                self.done.pop_front();
            } else {
                break;
            }
        }
    }

    fn foreign_now(&self, now: Instant) -> u32 {
        match self.foreign_until {
            Some(until) if until > now => self.foreign,
            _ => 0,
        }
    }

    /// The requests this client has in the window.
    fn own(&mut self, window: Window, margin: Duration, now: Instant) -> u64 {
        self.forget_expired(window.per + margin, now);
        self.in_flight.len() as u64 + self.done.len() as u64
    }

    /// How many of this client's requests the server counted in its window when it
    /// answered the request let go at `granted` and just completed: those it saw within a
    /// window before, by each request's midpoint between let-go and completion (the server
    /// saw each at some moment in between), and those in flight let go before it.
    fn counted_by_server(&self, window: Window, granted: Instant, now: Instant) -> u64 {
        let midpoint = |from: Instant, to: Instant| from + (to - from) / 2;
        let this = midpoint(granted, now);
        let seen = self
            .done
            .iter()
            .filter(|&&(from, to)| after(midpoint(from, to), window.per) > this)
            .count();
        let before = self.in_flight.iter().filter(|&&at| at <= granted).count();
        (seen + before) as u64
    }

    /// Learns the others' requests in the window from what the server counted (`used`,
    /// this request included): the least of this answer's and the previous one's estimate,
    /// so that a request on the edge of the window does not count as someone else's. They
    /// take places until a window from now.
    fn estimate_foreign(&mut self, used: u64, window: Window, granted: Instant, now: Instant) {
        let estimate = used.saturating_sub(self.counted_by_server(window, granted, now));
        let foreign = match self.last_estimate {
            Some((previous, at)) if after(at, window.per) > now => estimate.min(previous),
            _ => estimate,
        };
        self.last_estimate = Some((estimate, now));
        self.foreign = u32::try_from(foreign).unwrap_or(u32::MAX);
        self.foreign_until = (foreign > 0).then(|| after(now, window.per));
    }

    fn ready(&mut self, window: Window, margin: Duration, now: Instant) -> Ready {
        let expiry = window.per + margin;
        let own = self.own(window, margin, now);
        let foreign = self.foreign_now(now);
        let blocked = match self.blocked_until {
            Some(until) if until > now => Ready::At(until),
            _ => Ready::Now,
        };
        let count = own + u64::from(foreign);
        let limit = u64::from(window.requests);
        if count < limit {
            return blocked;
        }
        // Enough places must free: the oldest complete requests' and the foreign block's,
        // in the order they free.
        let needed = count - limit + 1;
        let mut freed = 0u64;
        let mut foreign_block = (foreign > 0)
            .then(|| self.foreign_until.map(|until| (until, u64::from(foreign))))
            .flatten();
        for &(_, done) in &self.done {
            let frees = after(done, expiry);
            if let Some((until, n)) = foreign_block {
                if until <= frees {
                    freed += n;
                    foreign_block = None;
                    if freed >= needed {
                        return blocked.and(Ready::At(until));
                    }
                }
            }
            freed += 1;
            if freed >= needed {
                return blocked.and(Ready::At(frees));
            }
        }
        if let Some((until, n)) = foreign_block {
            if freed + n >= needed {
                return blocked.and(Ready::At(until));
            }
        }
        Ready::Blocked
    }

    fn complete(&mut self, granted: Instant, now: Instant) {
        if let Some(at) = self.in_flight.iter().position(|&at| at == granted) {
            self.in_flight.swap_remove(at);
        }
        self.done.push_back((granted, now));
        // A paced client has at most a window's limit here; this bounds the memory of one
        // whose limits a server lowered.
        while self.done.len() > MAX_REPORTED_LIMIT as usize {
            self.done.pop_front();
        }
    }

    fn block(&mut self, until: Instant) {
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
    }

    fn idle(&mut self, now: Instant) -> bool {
        self.in_flight.is_empty()
            && self
                .done
                .back()
                .is_none_or(|&(_, last)| after(last, MAX_WINDOW) <= now)
            && self.blocked_until.is_none_or(|until| until <= now)
    }
}

impl State {
    fn new(config: &Pacing) -> Self {
        State {
            mode: config.mode,
            engaged: true,
            classes: Default::default(),
        }
    }

    fn limits(&self, config: &Pacing, class: RequestClass) -> (Window, Window) {
        let limits = config.limits_of(self.mode.unwrap_or(ApiMode::Test), class);
        let average = self.classes[class.index()]
            .reported
            .unwrap_or(limits.average);
        (average, limits.burst)
    }

    fn ready(
        &mut self,
        config: &Pacing,
        class: RequestClass,
        endpoint: &str,
        now: Instant,
    ) -> Ready {
        if !self.engaged {
            return Ready::Now;
        }
        let (average, burst) = self.limits(config, class);
        let state = &mut self.classes[class.index()];
        let whole = state.average.ready(average, config.margin, now);
        let one = match state.bursts.get_mut(endpoint) {
            Some(log) => log.ready(burst, config.margin, now),
            None => Ready::Now,
        };
        whole.and(one)
    }

    fn take(&mut self, class: RequestClass, endpoint: &str, now: Instant) {
        let state = &mut self.classes[class.index()];
        state.average.in_flight.push(now);
        if state.bursts.len() >= MAX_ENDPOINTS && !state.bursts.contains_key(endpoint) {
            state.bursts.retain(|_, log| !log.idle(now));
        }
        state
            .bursts
            .entry(endpoint.to_string())
            .or_default()
            .in_flight
            .push(now);
    }
}

/// What an answer said, for the limiter.
pub(crate) struct Answered<'a> {
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    /// The longest wait a `Retry-After` obtains.
    pub(crate) max_retry_after: Duration,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn queue(&self, class: RequestClass, endpoint: &str) -> Queue {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (class, endpoint.to_string());
        if queues.len() >= MAX_ENDPOINTS && !queues.contains_key(&key) {
            queues.retain(|_, queue| Arc::strong_count(queue) > 1);
        }
        queues.entry(key).or_default().clone()
    }

    /// Records the end of a request let go (recorded in the windows when `recorded`), and
    /// what its answer said; the wait a `429` imposes on the next attempt, when the limiter
    /// imposes one.
    fn finish(&self, permit: &Permit, answer: Option<Answered<'_>>) -> Option<Duration> {
        let wait = self.lock().finish(
            &self.config,
            permit.class,
            &permit.endpoint,
            permit.granted,
            answer,
            Instant::now(),
        );
        self.changed.notify_waiters();
        wait
    }
}

impl State {
    /// Records, at `now`, the end of a request of `class` to `endpoint` let go at `granted`
    /// (when it was recorded), and what its answer said.
    fn finish(
        &mut self,
        config: &Pacing,
        class: RequestClass,
        endpoint: &str,
        granted: Option<Instant>,
        answer: Option<Answered<'_>>,
        now: Instant,
    ) -> Option<Duration> {
        if let Some(granted) = granted {
            let class_state = &mut self.classes[class.index()];
            class_state.average.complete(granted, now);
            if let Some(log) = class_state.bursts.get_mut(endpoint) {
                log.complete(granted, now);
            }
        }
        let answer = answer?;
        self.answered(config, class, endpoint, granted, &answer, now)
    }

    /// Learns from an answer's rate-limit headers and status.
    fn answered(
        &mut self,
        config: &Pacing,
        class: RequestClass,
        endpoint: &str,
        granted: Option<Instant>,
        answer: &Answered<'_>,
        now: Instant,
    ) -> Option<Duration> {
        let Some(reported) = RateLimit::from_headers(answer.headers) else {
            self.engaged = config.always;
            return None;
        };
        self.engaged = true;
        let state = &mut self.classes[class.index()];
        if let (Some(limit), Some(interval)) = (reported.limit, reported.interval) {
            if limit > 0 && !interval.is_zero() {
                let requests = limit.min(MAX_REPORTED_LIMIT) as u32;
                state.reported = Some(Window::new(requests, interval.min(MAX_REPORTED_INTERVAL)));
            }
        }
        let (average, burst) = self.limits(config, class);
        let state = &mut self.classes[class.index()];
        // What the server counts in the window beyond this client's own requests is other
        // consumers' (behind the same IP); `Remaining` means nothing without its limit.
        let limit = reported.limit.filter(|limit| *limit > 0);
        if let (Some(limit), Some(remaining), Some(granted)) = (limit, reported.remaining, granted)
        {
            let used = limit.min(MAX_REPORTED_LIMIT).saturating_sub(remaining);
            state.average.estimate_foreign(used, average, granted, now);
        }
        if answer.status != StatusCode::TOO_MANY_REQUESTS {
            return None;
        }
        // Refused: the window is full by the server's count. Nothing more goes until it has
        // emptied (or until the Retry-After the server gives).
        let (log, wait) = match retry_after(answer.headers, SystemTime::now()) {
            Some(wait) => {
                // The server says when there is room: the others' requests are gone by then.
                let wait = wait.min(answer.max_retry_after);
                let until = after(now, wait);
                if let Some(foreign) = &mut state.average.foreign_until {
                    *foreign = (*foreign).min(until);
                }
                (state.bursts.entry(endpoint.to_string()).or_default(), wait)
            }
            None if reported.remaining == Some(0) => (&mut state.average, average.per),
            None => (
                state.bursts.entry(endpoint.to_string()).or_default(),
                burst.per,
            ),
        };
        log.block(after(now, wait));
        Some(wait)
    }
}

impl Pacer {
    /// A limiter with these settings (checked by [`Pacing::check`]).
    pub(crate) fn new(config: Pacing) -> Self {
        if !config.enabled {
            return Self { shared: None };
        }
        let state = State::new(&config);
        Self {
            shared: Some(Arc::new(Shared {
                config,
                state: Mutex::new(state),
                changed: Notify::new(),
                queues: Mutex::new(HashMap::new()),
            })),
        }
    }

    /// The mode the limits are those of, when known.
    pub(crate) fn mode(&self) -> Option<ApiMode> {
        self.shared.as_ref().and_then(|shared| shared.lock().mode)
    }

    /// Whether the mode is still to be learnt (from an answer's `meta.mode`).
    pub(crate) fn needs_mode(&self) -> bool {
        self.shared.is_some() && self.mode().is_none()
    }

    /// Sets the mode the limits are those of: from the first answer's `meta.mode`, or from
    /// the access token's `test` claim (which the authentication code may call this with).
    pub(crate) fn set_mode(&self, mode: ApiMode) {
        if let Some(shared) = &self.shared {
            shared.lock().mode = Some(mode);
            shared.changed.notify_waiters();
        }
    }

    /// Waits until a request of `class` to `endpoint` may go without passing a limit, and
    /// takes its place in the windows; the place is kept until the [`Permit`] is finished
    /// or dropped, and for a window after that.
    pub(crate) async fn acquire(&self, class: RequestClass, endpoint: &str) -> Permit {
        let Some(shared) = &self.shared else {
            return Permit::none();
        };
        let engaged = shared.lock().engaged;
        let queue = shared.queue(class, endpoint);
        // Requests to one endpoint go in the order they came; an unpaced client skips the
        // queue.
        let _turn = if engaged {
            Some(queue.lock().await)
        } else {
            None
        };
        loop {
            let mut changed = pin!(shared.changed.notified());
            changed.as_mut().enable();
            let ready = {
                let mut state = shared.lock();
                let now = Instant::now();
                let ready = state.ready(&shared.config, class, endpoint, now);
                if ready == Ready::Now {
                    let granted = state.engaged.then_some(now);
                    if granted.is_some() {
                        state.take(class, endpoint, now);
                    }
                    return Permit {
                        shared: Some(shared.clone()),
                        class,
                        endpoint: endpoint.to_string(),
                        granted,
                    };
                }
                ready
            };
            match ready {
                Ready::At(at) => {
                    let sleep = pin!(tokio::time::sleep_until(at));
                    match select(sleep, changed).await {
                        Either::Left(_) | Either::Right(_) => {}
                    }
                }
                Ready::Blocked | Ready::Now => changed.await,
            }
        }
    }
}

/// A request's place in the windows, from the moment it is let go until its answer is in.
/// Dropped without [`Permit::finish`] (a failure, a cancelled call), it ends then.
pub(crate) struct Permit {
    shared: Option<Arc<Shared>>,
    class: RequestClass,
    endpoint: String,
    /// When it was let go, when it was recorded in the windows (while pacing).
    granted: Option<Instant>,
}

impl Permit {
    fn none() -> Self {
        Self {
            shared: None,
            class: RequestClass::Read,
            endpoint: String::new(),
            granted: None,
        }
    }

    /// Ends the request with its answer: learns the limits it reports; for a `429` while
    /// pacing, blocks the window and returns how long the next attempt will wait.
    pub(crate) fn finish(mut self, answer: Answered<'_>) -> Option<Duration> {
        let shared = self.shared.take()?;
        shared.finish(&self, Some(answer))
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            shared.finish(self, None);
        }
    }
}

/// The mode of the first resource in a response body (`data.meta.mode`, or that of
/// `data[0]`); `None` when there is none or the body is not a document.
pub(crate) fn mode_of(body: &[u8]) -> Option<ApiMode> {
    #[derive(Deserialize)]
    struct Document {
        #[serde(default)]
        data: FirstMode,
    }
    match serde_json::from_slice::<Document>(body)
        .ok()?
        .data
        .0?
        .as_str()
    {
        "test" => Some(ApiMode::Test),
        "live" => Some(ApiMode::Live),
        _ => None,
    }
}

/// The `meta.mode` of a resource, or of the first of a list of them.
#[derive(Default)]
struct FirstMode(Option<String>);

#[derive(Deserialize)]
struct ModeOf {
    #[serde(default)]
    meta: Option<MetaMode>,
}

#[derive(Deserialize)]
struct MetaMode {
    #[serde(default)]
    mode: Option<String>,
}

impl<'de> Deserialize<'de> for FirstMode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FirstModeVisitor;
        impl<'de> Visitor<'de> for FirstModeVisitor {
            type Value = FirstMode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a resource, a list of resources or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FirstMode, A::Error> {
                let resource = ModeOf::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FirstMode(resource.meta.and_then(|meta| meta.mode)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstMode, A::Error> {
                let first = seq.next_element::<ModeOf>()?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FirstMode(first.and_then(|resource| {
                    resource.meta.and_then(|meta| meta.mode)
                })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FirstMode, E> {
                Ok(FirstMode(None))
            }
        }
        deserializer.deserialize_any(FirstModeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const SECOND: Duration = Duration::from_secs(1);
    const READ: RequestClass = RequestClass::Read;

    fn pacing(average: u32, average_per: Duration, burst: u32, burst_per: Duration) -> Pacing {
        let limits = ClassLimits::new(
            Window::new(average, average_per),
            Window::new(burst, burst_per),
        );
        let mut pacing = Pacing::documented().margin(Duration::ZERO);
        for mode in [ApiMode::Test, ApiMode::Live] {
            for class in CLASSES {
                pacing = pacing.limits(mode, class, limits);
            }
        }
        pacing
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    fn reported(limit: &str, interval: &str, remaining: &str) -> HeaderMap {
        headers(&[
            ("x-ratelimit-limit", limit),
            ("x-ratelimit-interval", interval),
            ("x-ratelimit-remaining", remaining),
        ])
    }

    /// The limiter's state driven by hand, on a clock that moves only when told: requests
    /// go as soon as it lets them (the clock moving there), and end when told.
    struct Sim {
        config: Pacing,
        state: State,
        start: Instant,
        now: Instant,
    }

    impl Sim {
        fn new(config: Pacing) -> Self {
            let start = Instant::now();
            Self {
                state: State::new(&config),
                config,
                start,
                now: start,
            }
        }

        /// When (from the start) a request of `class` to `endpoint` may go, were it asked
        /// now; `None` when only the end of a request in flight can free a place.
        fn next(&mut self, class: RequestClass, endpoint: &str) -> Option<Duration> {
            match self.state.ready(&self.config, class, endpoint, self.now) {
                Ready::Now => Some(self.now - self.start),
                Ready::At(at) => Some(at - self.start),
                Ready::Blocked => None,
            }
        }

        /// Lets a request go as soon as it may, as `Pacer::acquire` does: when it went, if
        /// it was recorded (while pacing is engaged).
        fn go(&mut self, class: RequestClass, endpoint: &str) -> Option<Instant> {
            match self.state.ready(&self.config, class, endpoint, self.now) {
                Ready::Now => {}
                Ready::At(at) => self.now = at,
                Ready::Blocked => panic!("blocked by requests in flight"),
            }
            assert_eq!(
                self.state.ready(&self.config, class, endpoint, self.now),
                Ready::Now
            );
            let granted = self.state.engaged.then_some(self.now);
            if granted.is_some() {
                self.state.take(class, endpoint, self.now);
            }
            granted
        }

        /// Ends the request let go at `granted` now, with an answer when given.
        fn end(
            &mut self,
            class: RequestClass,
            endpoint: &str,
            granted: Option<Instant>,
            answer: Option<(u16, &HeaderMap)>,
        ) -> Option<Duration> {
            let answer = answer.map(|(status, headers)| Answered {
                status: StatusCode::from_u16(status).expect("a status"),
                headers,
                max_retry_after: 60 * SECOND,
            });
            self.state
                .finish(&self.config, class, endpoint, granted, answer, self.now)
        }

        /// A read that goes as soon as it may and is answered at once; when it went.
        fn send(&mut self, endpoint: &str, answer: Option<&HeaderMap>) -> Duration {
            let granted = self.go(READ, endpoint);
            self.end(
                READ,
                endpoint,
                granted,
                answer.map(|headers| (200, headers)),
            );
            self.elapsed()
        }

        fn wait(&mut self, duration: Duration) {
            self.now += duration;
        }

        fn elapsed(&self) -> Duration {
            self.now - self.start
        }
    }

    // The documented table, and the classes of requests.
    #[test]
    fn documented_limits_and_classes() {
        let minute = Duration::from_secs(60);
        let ten = Duration::from_secs(10);
        let limits = ClassLimits::documented(ApiMode::Test, RequestClass::Read);
        assert_eq!(
            (limits.average, limits.burst),
            (Window::new(100, minute), Window::new(25, ten))
        );
        let limits = ClassLimits::documented(ApiMode::Live, RequestClass::CacheableRead);
        assert_eq!(
            (limits.average, limits.burst),
            (Window::new(1000, minute), Window::new(250, ten))
        );
        assert_eq!(
            ClassLimits::documented(ApiMode::Live, RequestClass::Write).burst,
            Window::new(50, ten)
        );
        let of = RequestClass::of;
        assert_eq!(of(&Method::GET, "skus"), RequestClass::CacheableRead);
        assert_eq!(of(&Method::GET, "skus/abc"), RequestClass::CacheableRead);
        assert_eq!(
            of(&Method::GET, "free_shipping_promotions"),
            RequestClass::CacheableRead
        );
        assert_eq!(of(&Method::GET, "customer_groups"), RequestClass::Read);
        assert_eq!(of(&Method::GET, "promotion_rules"), RequestClass::Read);
        assert_eq!(of(&Method::POST, "skus"), RequestClass::Write);
        assert_eq!(
            of(&Method::DELETE, "customer_groups/x"),
            RequestClass::Write
        );
        assert_eq!(endpoint("customer_groups/abc/markets"), "customer_groups");
        assert_eq!(endpoint("/metrics/orders/breakdown"), "metrics");
        assert_eq!(endpoint(""), "");
    }

    // Windows that cannot pace are refused.
    #[test]
    fn empty_windows_are_refused() {
        assert!(Pacing::documented().check().is_ok());
        assert!(pacing(0, SECOND, 1, SECOND).check().is_err());
        assert!(pacing(1, Duration::ZERO, 1, SECOND).check().is_err());
        assert!(pacing(1, SECOND, 1, Duration::MAX).check().is_err());
        assert!(Pacing::documented().margin(Duration::MAX).check().is_err());
    }

    // The burst limit lets `burst` requests go at once, then one each time one of them is a
    // window old; another endpoint has its own burst window.
    #[test]
    fn the_burst_window_spaces_requests() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 3, 10 * SECOND));
        let sent: Vec<Duration> = (0..7).map(|_| sim.send("customer_groups", None)).collect();
        assert_eq!(
            sent,
            [0, 0, 0, 10, 10, 10, 20].map(|s| s * SECOND),
            "3 in any 10 s"
        );
        assert_eq!(sim.send("customers", None), 20 * SECOND);
    }

    // The margin keeps each place a little longer than the window.
    #[test]
    fn the_margin_extends_the_window() {
        let margin = Duration::from_millis(50);
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 1, 10 * SECOND).margin(margin));
        sim.send("a", None);
        assert_eq!(sim.send("a", None), 10 * SECOND + margin);
    }

    // The average window is shared by every endpoint of a class, not by other classes.
    #[test]
    fn the_average_window_is_shared_by_the_class() {
        let mut sim = Sim::new(pacing(4, 60 * SECOND, 3, 10 * SECOND));
        for endpoint in ["a", "a", "b", "c"] {
            assert_eq!(sim.send(endpoint, None), Duration::ZERO);
        }
        assert_eq!(sim.next(RequestClass::Write, "a"), Some(Duration::ZERO));
        assert_eq!(
            sim.next(RequestClass::CacheableRead, "skus"),
            Some(Duration::ZERO)
        );
        assert_eq!(sim.send("d", None), 60 * SECOND);
    }

    // A request in flight holds its place until it ends, and for a window after that.
    #[test]
    fn a_request_in_flight_holds_its_place() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 1, 10 * SECOND));
        let first = sim.go(READ, "a");
        assert_eq!(sim.next(READ, "a"), None, "only its end can free the place");
        sim.wait(30 * SECOND);
        assert_eq!(sim.next(READ, "a"), None);
        sim.end(READ, "a", first, None);
        assert_eq!(sim.next(READ, "a"), Some(40 * SECOND));
    }

    // The limit and interval an answer reports replace the class's average; an answer
    // without them turns pacing off, and one with them on again.
    #[test]
    fn the_headers_set_the_average_and_engagement() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        let limited = reported("2", "5", "1");
        sim.send("a", Some(&limited));
        sim.send("b", Some(&limited));
        assert_eq!(sim.send("a", Some(&limited)), 5 * SECOND, "2 every 5 s");

        sim.send("a", Some(&HeaderMap::new()));
        assert!(!sim.state.engaged);
        let unpaced = sim.elapsed();
        for _ in 0..10 {
            assert_eq!(sim.send("a", None), unpaced, "no limit reported: not paced");
        }

        sim.send("a", Some(&limited));
        assert!(sim.state.engaged);
        assert!(sim.send("a", None) > unpaced, "paced again");
    }

    // `always` keeps pacing whatever the answers report.
    #[test]
    fn always_paces_without_headers() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 1, 10 * SECOND).always());
        sim.send("a", Some(&HeaderMap::new()));
        assert_eq!(sim.send("a", Some(&HeaderMap::new())), 10 * SECOND);
    }

    // A Remaining below what this client sent reveals other consumers: their requests take
    // places for a window.
    #[test]
    fn other_consumers_take_places() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        // Limit 5 a minute; after this client's first request, 1 is left: 3 are others'.
        sim.send("a", Some(&reported("5", "60", "1")));
        assert_eq!(sim.state.classes[1].average.foreign, 3);
        assert_eq!(sim.send("a", None), Duration::ZERO);
        assert_eq!(sim.send("a", None), 60 * SECOND, "full with the others'");
    }

    // The server's count is compared with this client's requests as the server saw them (by
    // the midpoint of each, between let-go and completion): one a window old by then is not
    // counted as the server's, and does not hide the others' requests.
    #[test]
    fn the_others_are_counted_by_midpoints() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        let first = sim.go(READ, "a");
        sim.wait(200 * Duration::from_millis(1));
        // Seen by the server at about 0.1 s; answered at 0.2 s.
        sim.end(READ, "a", first, Some((200, &reported("6", "1", "5"))));
        sim.wait(Duration::from_millis(920));
        // At 1.12 s the server no longer counts the first request, and counts 3 of others
        // beside this client's next two (its own places end at 1.2 s).
        let second = sim.go(READ, "a");
        sim.end(READ, "a", second, Some((200, &reported("6", "1", "2"))));
        sim.wait(Duration::from_millis(10));
        let third = sim.go(READ, "a");
        sim.end(READ, "a", third, Some((200, &reported("6", "1", "1"))));
        assert_eq!(sim.state.classes[1].average.foreign, 3);
    }

    // One answer's estimate of the others is not trusted alone when the one before said
    // fewer: a request on the edge of a window does not count as someone else's for long.
    #[test]
    fn an_estimate_needs_two_answers_to_grow() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        sim.send("a", Some(&reported("10", "60", "9")));
        assert_eq!(sim.state.classes[1].average.foreign, 0);
        sim.send("a", Some(&reported("10", "60", "6")));
        assert_eq!(sim.state.classes[1].average.foreign, 0, "one answer says 2");
        sim.send("a", Some(&reported("10", "60", "5")));
        assert_eq!(sim.state.classes[1].average.foreign, 2, "two answers say 2");
    }

    // A 429 blocks the window for its whole length: the average's when nothing remains of
    // it, else the endpoint's burst; a Retry-After, when given, instead.
    #[test]
    fn a_429_blocks_the_window() {
        for (remaining, retry_after, wait) in [
            (Some("0"), None, 60 * SECOND),
            (Some("12"), None, 10 * SECOND),
            (None, Some("3"), 3 * SECOND),
            (Some("0"), Some("7"), 7 * SECOND),
        ] {
            let mut sim = Sim::new(pacing(100, 60 * SECOND, 25, 10 * SECOND));
            let mut pairs = vec![("x-ratelimit-limit", "100"), ("x-ratelimit-interval", "60")];
            if let Some(remaining) = remaining {
                pairs.push(("x-ratelimit-remaining", remaining));
            }
            if let Some(retry_after) = retry_after {
                pairs.push(("retry-after", retry_after));
            }
            let refused = headers(&pairs);
            let granted = sim.go(READ, "a");
            let case = format!("{remaining:?} {retry_after:?}");
            assert_eq!(
                sim.end(READ, "a", granted, Some((429, &refused))),
                Some(wait),
                "{case}"
            );
            assert_eq!(sim.next(READ, "a"), Some(wait), "{case}");
        }
        // A 429 without rate-limit headers is not the limiter's: the retry policy waits.
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 25, 10 * SECOND));
        let granted = sim.go(READ, "a");
        assert_eq!(
            sim.end(READ, "a", granted, Some((429, &HeaderMap::new()))),
            None
        );
    }

    // The mode sets which limits apply: test ones until it is known.
    #[test]
    fn the_mode_selects_the_limits() {
        let with_burst = |burst| {
            ClassLimits::new(
                Window::new(100, 60 * SECOND),
                Window::new(burst, 10 * SECOND),
            )
        };
        let mut sim = Sim::new(
            Pacing::documented()
                .margin(Duration::ZERO)
                .limits(ApiMode::Test, READ, with_burst(1))
                .limits(ApiMode::Live, READ, with_burst(3)),
        );
        sim.send("a", None);
        assert_eq!(
            sim.send("a", None),
            10 * SECOND,
            "test limits while unknown"
        );
        sim.state.mode = Some(ApiMode::Live);
        let now = sim.elapsed();
        for _ in 0..3 {
            assert_eq!(sim.send("b", None), now, "live limits");
        }
    }

    // Hostile headers cannot stall the limiter beyond an hour's interval, nor overflow it; a
    // zero limit is ignored.
    #[test]
    fn hostile_headers_are_bounded() {
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        sim.send("a", Some(&reported("1", "18446744073709551615", "0")));
        assert_eq!(sim.send("a", None), MAX_REPORTED_INTERVAL);
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        sim.send("a", Some(&reported("0", "0", "0")));
        assert_eq!(sim.send("a", None), Duration::ZERO);
        let mut sim = Sim::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        sim.send("a", Some(&reported("99999999999", "60", "0")));
        assert_eq!(
            sim.state.classes[1].reported,
            Some(Window::new(MAX_REPORTED_LIMIT as u32, 60 * SECOND))
        );
    }

    // Clones share one state; pacing off keeps none and lets everything go.
    #[tokio::test]
    async fn clones_share_the_state_and_off_keeps_none() {
        let pacer = Pacer::new(pacing(100, 60 * SECOND, 100, 10 * SECOND));
        assert!(pacer.needs_mode());
        let permit = pacer.clone().acquire(READ, "a").await;
        let in_flight = |pacer: &Pacer| {
            let shared = pacer.shared.as_ref().expect("pacing");
            let state = shared.lock();
            (
                state.classes[1].average.in_flight.len(),
                state.classes[1].average.done.len(),
            )
        };
        assert_eq!(in_flight(&pacer), (1, 0));
        drop(permit);
        assert_eq!(in_flight(&pacer), (0, 1));
        pacer.clone().set_mode(ApiMode::Live);
        assert_eq!(pacer.mode(), Some(ApiMode::Live));
        assert!(!pacer.needs_mode());

        let off = Pacer::new(Pacing::off());
        assert!(!off.needs_mode());
        for _ in 0..1000 {
            let permit = off.acquire(READ, "a").await;
            assert!(permit.shared.is_none() && permit.granted.is_none());
        }
    }

    // A request waiting for a place held by one in flight goes when that one ends and its
    // window has passed (real time: only lower bounds are checked).
    #[tokio::test]
    async fn a_waiting_request_goes_when_its_place_frees() {
        let window = Duration::from_millis(100);
        let pacer = Pacer::new(pacing(100, 60 * SECOND, 1, window));
        let first = pacer.acquire(READ, "a").await;
        let clone = pacer.clone();
        let second = tokio::spawn(async move {
            drop(clone.acquire(READ, "a").await);
            Instant::now()
        });
        tokio::time::sleep(3 * window).await;
        assert!(
            !second.is_finished(),
            "the first request is still in flight"
        );
        let ended = Instant::now();
        drop(first);
        let went = second.await.expect("the waiting task");
        assert!(went - ended >= window, "{:?}", went - ended);
    }

    // The mode is read from a resource, or the first of a list; anything else gives none.
    #[test]
    fn the_mode_is_read_from_the_first_resource() {
        let read = |body: &str| mode_of(body.as_bytes());
        assert_eq!(
            read(r#"{"data":{"id":"a","type":"t","meta":{"mode":"live"}}}"#),
            Some(ApiMode::Live)
        );
        assert_eq!(
            read(r#"{"data":[{"meta":{"mode":"test"}},{"meta":{"mode":"live"}}],"meta":{}}"#),
            Some(ApiMode::Test)
        );
        for body in [
            r#"{"data":[]}"#,
            r#"{"data":null}"#,
            r#"{"data":{"meta":{"mode":"staging"}}}"#,
            r#"{"data":{"meta":{"mode":7}}}"#,
            r#"{"errors":[]}"#,
            "",
            "[",
            "not json",
        ] {
            assert_eq!(read(body), None, "{body}");
        }
    }
}
