//! Writing many: a [`Batch`] runs many calls (creates, updates, deletes, triggers, raw
//! requests) a few at a time and gives each one's result, in the order of the calls.
//!
//! A batch adds no retry of its own: each call is sent as it would be alone, so a failed
//! item never stops the others nor is sent again by the batch, and a write whose fate is
//! unknown (a `POST` or `PATCH` whose answer was lost) is never resent, as for any call. The
//! client's pacing spreads the calls over the API's rate limits, whatever the concurrency.

use std::fmt;
use std::future::IntoFuture;

use futures_util::stream::{Buffered, Collect, Iter, Map};
use futures_util::{Stream, StreamExt};

/// How many calls of a [`Batch`] are in flight at once, unless set.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 8;

/// Many calls, run with bounded concurrency, each one's result in the order of the calls.
///
/// ```no_run
/// # async fn run(client: commercelayer::Client) {
/// use commercelayer::Batch;
/// use commercelayer::customer_groups::CustomerGroupCreate;
///
/// let names = ["VIP", "Gold", "Silver"];
/// let results = Batch::new(
///     names.iter().map(|name| client.customer_groups().create(&CustomerGroupCreate::new(*name))),
/// )
/// .concurrency(4)
/// .await;
/// for (name, result) in names.iter().zip(results) {
///     match result {
///         Ok(group) => println!("{name}: {}", group.data.id),
///         Err(error) => println!("{name}: {error}"),
///     }
/// }
/// # }
/// ```
///
/// The calls are made from the iterator as places free, so a batch of a million items holds
/// only `concurrency` of them (and the results read so far, with [`Batch::stream`]).
#[must_use = "a batch does nothing until it is awaited or streamed"]
pub struct Batch<I> {
    calls: I,
    concurrency: usize,
}

impl<I> fmt::Debug for Batch<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<I> Batch<I>
where
    I: Iterator,
    I::Item: IntoFuture,
{
    /// A batch of `calls`, run [`DEFAULT_BATCH_CONCURRENCY`] at a time.
    pub fn new<C: IntoIterator<IntoIter = I>>(calls: C) -> Self {
        Self {
            calls: calls.into_iter(),
            concurrency: DEFAULT_BATCH_CONCURRENCY,
        }
    }

    /// How many calls are in flight at once (at least 1: 0 counts as 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Each call's result, in the order of the calls, as they are ready.
    pub fn stream(self) -> impl Stream<Item = <I::Item as IntoFuture>::Output> {
        self.calls()
    }

    /// Every call's result, in the order of the calls; the same as `.await`.
    pub async fn run(self) -> Vec<<I::Item as IntoFuture>::Output> {
        self.calls().collect().await
    }

    fn calls(self) -> Calls<I> {
        let start: Start<I> = IntoFuture::into_future;
        futures_util::stream::iter(self.calls)
            .map(start)
            .buffered(self.concurrency)
    }
}

/// Makes a call's future.
type Start<I> = fn(<I as Iterator>::Item) -> <<I as Iterator>::Item as IntoFuture>::IntoFuture;

/// The calls' futures, run `concurrency` at a time, their outputs in order.
type Calls<I> = Buffered<Map<Iter<I>, Start<I>>>;

impl<I> IntoFuture for Batch<I>
where
    I: Iterator,
    I::Item: IntoFuture,
{
    type Output = Vec<<I::Item as IntoFuture>::Output>;
    type IntoFuture = Collect<Calls<I>, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.calls().collect()
    }
}
