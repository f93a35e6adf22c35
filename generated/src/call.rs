//! Calls: a request being prepared, with its query options, sent by `.await` (or `.send()`).
//!
//! Three generic shapes serve every endpoint of every resource, so the generated code only
//! says which path and which types: [`ItemCall`] answers one resource, [`ListCall`] a page of
//! them (and can walk every page, count them, or fetch them all by id), [`DeleteCall`]
//! nothing. [`RawRequest`] is for the endpoints the specs do not cover.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue,
    USER_AGENT,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{Client, Request};
use crate::error::{Error, Origin, Result, decode};
use crate::jsonapi::{FieldName, Included, Resource, ResourceLinks, WriteData, WriteDocument};
use crate::query::{Condition, Direction, FilterField, MAX_PAGE_SIZE, Query, encode_id};

/// The future a call becomes when awaited.
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// A response holding one resource.
///
/// Decoding checks that `data` is of `T`'s type (for a generated resource): a document
/// holding another type is an [`Error::Decode`] naming both.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Document<T> {
    /// The resource.
    pub data: T,
    /// Resources the request asked to `include`.
    pub included: Included,
    /// The document's links.
    pub links: Option<ResourceLinks>,
    /// The document's meta, when the API sends one.
    pub meta: Option<Map<String, Value>>,
}

impl<T> Document<T> {
    /// The resource, dropping the rest of the document.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// One page of a list.
///
/// Decoding checks that each resource in `data` is of `T`'s type (for a generated
/// resource): one of another type is an [`Error::Decode`] naming both.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The resources on this page.
    pub data: Vec<T>,
    /// Resources the request asked to `include`.
    pub included: Included,
    /// How many resources and pages the whole list has.
    pub meta: ListMeta,
    /// Links to the first, previous, next and last pages.
    pub links: PageLinks,
}

/// A list's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListMeta {
    /// Resources in the whole list, across pages.
    pub record_count: u64,
    /// Pages in the whole list, at this page size.
    pub page_count: u64,
}

/// A list's pagination links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PageLinks {
    /// The first page.
    #[serde(default)]
    pub first: Option<String>,
    /// The previous page, unless this is the first.
    #[serde(default)]
    pub prev: Option<String>,
    /// The next page, unless this is the last.
    #[serde(default)]
    pub next: Option<String>,
    /// The last page.
    #[serde(default)]
    pub last: Option<String>,
}

/// What every call holds: the client, the request so far, and an error met while building
/// it (an invalid id, a body that cannot be serialized), reported when it is sent.
#[derive(Clone)]
struct Parts {
    client: Client,
    method: Method,
    path: String,
    query: Query,
    body: Option<Vec<u8>>,
    headers: HeaderMap,
    timeout: Option<Duration>,
    /// The type `fields(...)` applies to, when the call returns one known type.
    type_name: Option<&'static str>,
    /// Whether `path` is under the API's host rather than its base URL (raw requests).
    from_origin: bool,
    /// The `Accept` header, when not the JSON:API one (raw requests).
    accept: Option<HeaderValue>,
    error: Option<String>,
}

/// The body is shown by its length only: it may hold secrets (passwords, API keys).
impl fmt::Debug for Parts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parts")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// Headers the client sets itself: a call cannot add a second value to them.
const OWN_HEADERS: &[HeaderName] = &[
    ACCEPT,
    AUTHORIZATION,
    CONTENT_LENGTH,
    CONTENT_TYPE,
    HOST,
    USER_AGENT,
];

/// Headers about the connection or the message's framing rather than the request (the
/// hop-by-hop headers of RFC 9110 section 7.6.1, and those that change how the body is sent
/// or read), and credentials meant for something else than the API: a call cannot send them.
const REFUSED_HEADERS: &[&str] = &[
    "connection",
    "content-encoding",
    "cookie",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

impl Parts {
    /// `GET {collection}/{id}/{relationship}`, answering resources of `type_name` (when known).
    fn related(
        client: &Client,
        collection: &str,
        id: &str,
        relationship: &str,
        type_name: Option<&'static str>,
    ) -> Self {
        let path = item_path(collection, id, Some(relationship));
        let mut parts = Parts::new(client, Method::GET, path);
        parts.type_name = type_name;
        parts
    }

    fn header(&mut self, name: HeaderName, value: HeaderValue) {
        if OWN_HEADERS.contains(&name) {
            self.error.get_or_insert_with(|| {
                format!("`{name}` is set by the client; a call cannot send its own")
            });
        } else if REFUSED_HEADERS.contains(&name.as_str()) {
            self.error.get_or_insert_with(|| {
                format!(
                    "`{name}` is about the connection or the framing of the message, not the \
                     request; a call cannot send it"
                )
            });
        } else {
            self.headers.append(name, value);
        }
    }

    fn new(client: &Client, method: Method, path: Result<String>) -> Self {
        let (path, error) = match path {
            Ok(path) => (path, None),
            Err(Error::InvalidRequest { message }) => (String::new(), Some(message)),
            Err(error) => (String::new(), Some(error.to_string())),
        };
        Self {
            client: client.clone(),
            method,
            path,
            query: Query::default(),
            body: None,
            headers: HeaderMap::new(),
            timeout: None,
            type_name: None,
            from_origin: false,
            accept: None,
            error,
        }
    }

    fn with_body<A: Serialize, R: Serialize>(
        mut self,
        type_: &str,
        id: Option<&str>,
        attributes: &A,
        relationships: Option<R>,
    ) -> Self {
        let document = WriteDocument {
            data: WriteData {
                type_,
                id,
                attributes,
                relationships,
            },
        };
        match serde_json::to_vec(&document) {
            Ok(body) => self.body = Some(body),
            Err(error) => {
                self.error
                    .get_or_insert_with(|| format!("cannot serialize the request body: {error}"));
            }
        }
        self
    }

    fn fields<N: FieldName>(&mut self, names: impl IntoIterator<Item = N>) {
        match self.type_name {
            Some(type_) => self
                .query
                .fields(type_, names.into_iter().map(|n| n.name().to_string())),
            None => {
                self.error.get_or_insert_with(|| {
                    "this call returns resources of several types: name the type with `fields_raw`"
                        .to_string()
                });
            }
        }
    }

    fn request(self) -> Result<(Client, Request)> {
        if let Some(message) = self.error {
            return Err(Error::invalid_request(message));
        }
        let request = Request {
            method: self.method,
            path: self.path,
            from_origin: self.from_origin,
            accept: self.accept,
            query: self.query,
            body: self.body,
            headers: self.headers,
            timeout: self.timeout,
        };
        Ok((self.client, request))
    }
}

/// `{collection}/{id}[/{relationship}]`, with the id percent-encoded.
fn item_path(collection: &str, id: &str, relationship: Option<&str>) -> Result<String> {
    let id = encode_id(id)?;
    Ok(match relationship {
        Some(relationship) => format!("{collection}/{id}/{relationship}"),
        None => format!("{collection}/{id}"),
    })
}

macro_rules! shared_options {
    () => {
        /// Includes related resources in the response (`include=...`); find them in
        /// `included`.
        pub fn include(mut self, relationships: impl IntoIterator<Item = T::Include>) -> Self {
            for relationship in relationships {
                self.parts.query.include(relationship.name());
            }
            self
        }

        /// Includes related resources by path, for nested includes (`markets.price_list`).
        pub fn include_raw(mut self, path: &str) -> Self {
            self.parts.query.include(path);
            self
        }

        /// Asks for only these fields of the returned resources (`fields[type]=...`); the
        /// others decode as `None`.
        pub fn fields(mut self, fields: impl IntoIterator<Item = T::Field>) -> Self {
            self.parts.fields(fields);
            self
        }

        /// Asks for only these fields of resources of any type (`fields[markets]=name`), such
        /// as included ones.
        pub fn fields_raw<S: Into<String>>(
            mut self,
            type_: &str,
            fields: impl IntoIterator<Item = S>,
        ) -> Self {
            self.parts
                .query
                .fields(type_, fields.into_iter().map(Into::into));
            self
        }

        /// Adds any query parameter, sent as given (percent-encoded).
        pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.parts.query.param(name.into(), value.into());
            self
        }

        request_options!();
    };
}

/// The options of every call, delete included.
macro_rules! request_options {
    () => {
        /// Adds a header to this request. The headers the client sets itself (`Accept`,
        /// `Content-Type`, `Authorization`, `User-Agent`, `Host`, `Content-Length`) are
        /// refused: the call then fails with [`Error::InvalidRequest`] before sending.
        pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
            self.parts.header(name, value);
            self
        }

        /// How long each attempt at this request may take, overriding the client's timeout.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.parts.timeout = Some(timeout);
            self
        }
    };
}

/// A call answering one resource: retrieve, create, update, a to-one relationship.
#[derive(Debug)]
#[must_use = "a call does nothing until it is awaited"]
pub struct ItemCall<T> {
    parts: Parts,
    output: PhantomData<fn() -> T>,
}

impl<T> Clone for ItemCall<T> {
    fn clone(&self) -> Self {
        Self {
            parts: self.parts.clone(),
            output: PhantomData,
        }
    }
}

impl<T: Resource> ItemCall<T> {
    fn from_parts(mut parts: Parts) -> Self {
        parts.type_name = parts.type_name.or(T::TYPE);
        Self {
            parts,
            output: PhantomData,
        }
    }

    /// `GET {collection}/{id}`: any resource by its collection and id, for endpoints the
    /// generated handles do not cover (use [`GenericResource`](crate::jsonapi::GenericResource)
    /// as `T` for types without a spec).
    pub fn retrieve(client: &Client, collection: &str, id: &str) -> Self {
        Self::from_parts(Parts::new(
            client,
            Method::GET,
            item_path(collection, id, None),
        ))
    }

    /// `GET {collection}`: a singleton, retrieved without an id.
    pub fn singleton(client: &Client, collection: &str) -> Self {
        Self::from_parts(Parts::new(client, Method::GET, Ok(collection.to_string())))
    }

    /// `GET {collection}/{id}/{relationship}`: a to-one relationship. `type_name` is the
    /// related type, when there is one, for [`ItemCall::fields`].
    pub fn related(
        client: &Client,
        collection: &str,
        id: &str,
        relationship: &str,
        type_name: Option<&'static str>,
    ) -> Self {
        Self::from_parts(Parts::related(
            client,
            collection,
            id,
            relationship,
            type_name,
        ))
    }

    /// `POST {collection}` with `{"data": {"type", "attributes"}}`: `attributes` is any
    /// value that serializes to the attributes object.
    pub fn create<A: Serialize>(client: &Client, collection: &str, attributes: &A) -> Self {
        Self::create_linked(client, collection, attributes, None::<()>)
    }

    /// `POST {collection}` with `{"data": {"type", "attributes", "relationships"}}`.
    pub fn create_linked<A: Serialize, R: Serialize>(
        client: &Client,
        collection: &str,
        attributes: &A,
        relationships: Option<R>,
    ) -> Self {
        let parts = Parts::new(client, Method::POST, Ok(collection.to_string())).with_body(
            collection,
            None,
            attributes,
            relationships,
        );
        Self::from_parts(parts)
    }

    /// `PATCH {collection}/{id}` with `{"data": {"type", "id", "attributes"}}`.
    pub fn update<A: Serialize>(
        client: &Client,
        collection: &str,
        id: &str,
        attributes: &A,
    ) -> Self {
        Self::update_linked(client, collection, id, attributes, None::<()>)
    }

    /// `PATCH {collection}/{id}` with `{"data": {"type", "id", "attributes", "relationships"}}`.
    pub fn update_linked<A: Serialize, R: Serialize>(
        client: &Client,
        collection: &str,
        id: &str,
        attributes: &A,
        relationships: Option<R>,
    ) -> Self {
        let parts = Parts::new(client, Method::PATCH, item_path(collection, id, None)).with_body(
            collection,
            Some(id),
            attributes,
            relationships,
        );
        Self::from_parts(parts)
    }

    shared_options!();

    /// Sends the request; the same as `.await`.
    pub async fn send(self) -> Result<Document<T>> {
        let (client, request) = self.parts.request()?;
        let response = client.send(request).await?;
        let mut result = decode::<Document<T>>(&response.body, &response.origin);
        if let Ok(document) = &mut result {
            document.included.set_origin(Arc::new(response.origin));
        }
        result
    }
}

impl<T: Resource> IntoFuture for ItemCall<T> {
    type Output = Result<Document<T>>;
    type IntoFuture = CallFuture<Document<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A call answering a page of resources: a list, a to-many relationship.
#[derive(Debug)]
#[must_use = "a call does nothing until it is awaited"]
pub struct ListCall<T> {
    parts: Parts,
    output: PhantomData<fn() -> T>,
}

impl<T> Clone for ListCall<T> {
    fn clone(&self) -> Self {
        Self {
            parts: self.parts.clone(),
            output: PhantomData,
        }
    }
}

impl<T: Resource> ListCall<T> {
    fn from_parts(mut parts: Parts) -> Self {
        parts.type_name = parts.type_name.or(T::TYPE);
        Self {
            parts,
            output: PhantomData,
        }
    }

    /// `GET {collection}`: any list, for endpoints the generated handles do not cover.
    pub fn list(client: &Client, collection: &str) -> Self {
        Self::from_parts(Parts::new(client, Method::GET, Ok(collection.to_string())))
    }

    /// `GET {collection}/{id}/{relationship}`: a to-many relationship. `type_name` is the
    /// related type, when there is one, for [`ListCall::fields`].
    pub fn related(
        client: &Client,
        collection: &str,
        id: &str,
        relationship: &str,
        type_name: Option<&'static str>,
    ) -> Self {
        Self::from_parts(Parts::related(
            client,
            collection,
            id,
            relationship,
            type_name,
        ))
    }

    shared_options!();

    /// Sorts by an attribute, smallest first; later sorts break ties of earlier ones.
    pub fn sort(mut self, attribute: T::Sort) -> Self {
        self.parts
            .query
            .sort(attribute.name(), Direction::Ascending);
        self
    }

    /// Sorts by an attribute, largest first (`sort=-created_at`).
    pub fn sort_desc(mut self, attribute: T::Sort) -> Self {
        self.parts
            .query
            .sort(attribute.name(), Direction::Descending);
        self
    }

    /// Sorts by any attribute name, for what the types do not cover.
    pub fn sort_raw(mut self, attribute: &str, direction: Direction) -> Self {
        self.parts.query.sort(attribute, direction);
        self
    }

    /// Keeps the resources matching a condition (`filter[q][name_eq]=VIP`); several
    /// conditions must all match.
    pub fn filter(mut self, condition: Condition<T::Filter>) -> Self
    where
        T::Filter: FilterField,
    {
        self.parts
            .query
            .filter(condition.key().to_string(), condition.value().to_string());
        self
    }

    /// Adds any `filter[q][{key}]={value}` predicate, for what the types do not cover
    /// (`name_or_code_cont`, predicates on relationships).
    pub fn filter_raw(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.query.filter(key.into(), value.into());
        self
    }

    /// Which page to fetch, from 1.
    pub fn page(mut self, number: u32) -> Self {
        self.parts.query.page_number(number);
        self
    }

    /// How many resources per page, from 1 to 25; anything else fails before sending.
    pub fn page_size(mut self, size: u32) -> Self {
        self.parts.query.page_size(size);
        self
    }

    /// Sends the request for one page; the same as `.await`.
    pub async fn send(self) -> Result<Page<T>> {
        let (client, request) = self.parts.request()?;
        let response = client.send(request).await?;
        let mut result = decode::<Page<T>>(&response.body, &response.origin);
        if let Ok(page) = &mut result {
            page.included.set_origin(Arc::new(response.origin));
        }
        result
    }

    /// Every page, from the requested one (the first by default) to the last, fetched one
    /// at a time as the stream is read.
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>>> + Send + 'static {
        let state = Some(self);
        futures_util::stream::unfold(state, |state| async move {
            let call = state?;
            let number = call.parts.query.current_page();
            let next = number.checked_add(1).map(|n| call.clone().page(n));
            match call.send().await {
                Ok(page) => {
                    let more = u64::from(number) < page.meta.page_count && !page.data.is_empty();
                    Some((Ok(page), next.filter(|_| more)))
                }
                Err(error) => Some((Err(error), None)),
            }
        })
    }

    /// Every resource of every page, from the requested page on, fetched a page at a time as
    /// the stream is read. An error ends the stream.
    pub fn stream(self) -> impl Stream<Item = Result<T>> + Send + 'static {
        let pages = Box::pin(self.pages());
        futures_util::stream::unfold(
            (pages, VecDeque::new()),
            |(mut pages, mut buffer)| async move {
                loop {
                    if let Some(item) = buffer.pop_front() {
                        return Some((Ok(item), (pages, buffer)));
                    }
                    match futures_util::StreamExt::next(&mut pages).await? {
                        Ok(page) => buffer.extend(page.data),
                        Err(error) => return Some((Err(error), (pages, buffer))),
                    }
                }
            },
        )
    }
}

impl<T: Resource> ListCall<T> {
    /// How many resources the list has, with its filters: one request for a page of one
    /// resource (`page[size]=1`, `fields[{type}]=id`, no `include` nor `sort`), whose
    /// `meta.record_count` is the answer.
    pub async fn count(self) -> Result<u64> {
        let mut parts = self.parts;
        parts.query.clear_sort_and_page();
        parts.query.clear_include_and_fields();
        if let Some(type_) = parts.type_name {
            parts.query.fields(type_, ["id".to_string()]);
        }
        parts.query.page_size(1);
        let (client, request) = parts.request()?;
        let response = client.send(request).await?;
        let counted = decode::<Counted>(&response.body, &response.origin)?;
        Ok(counted.meta.record_count)
    }

    /// Every resource of the list, with its filters, fields and includes: the pages of
    /// [`ListCall::all_pages`], one resource at a time. An error ends the stream.
    ///
    /// ```no_run
    /// # async fn run(client: commercelayer::Client) -> commercelayer::Result<()> {
    /// use commercelayer::TryStreamExt;
    /// use commercelayer::customer_groups::CustomerGroupFilter;
    /// use commercelayer::query::FilterField;
    ///
    /// let mut groups = std::pin::pin!(
    ///     client
    ///         .customer_groups()
    ///         .list()
    ///         .filter(CustomerGroupFilter::Name.start("VIP"))
    ///         .all()
    /// );
    /// while let Some(group) = groups.try_next().await? {
    ///     println!("{}", group.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn all(self) -> impl Stream<Item = Result<T>> + Send + 'static {
        self.all_pages().flat_map(|page| {
            let items: Vec<Result<T>> = match page {
                Ok(page) => page.data.into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            futures_util::stream::iter(items)
        })
    }

    /// Every page of the list, walked by id rather than by page number, as the API's deep
    /// pages are slow: sorted by `id`, each page after the first asks for the ids after the
    /// last one received (`filter[q][id_gt]`; `id_lt` when sorted by descending id), keeping
    /// the call's filters, fields, includes and page size (25 unless set).
    ///
    /// The first page's `meta.record_count` says how many records there are, and each
    /// page's (the records from there on, as the API counts them with the id condition)
    /// whether another follows: the walk ends when either is reached, so no request is sent
    /// past the end and none to count. It reads at most the records the first page counted:
    /// a record created during the walk is read if its id comes after the last one read and
    /// the count leaves room; one deleted is missing from the pages read after. Each next
    /// page is fetched as soon as the previous one arrives, while the caller works on it (on
    /// a task of its own, in a Tokio runtime), and dropping the stream cancels it.
    ///
    /// A sort on anything else than `id`, or a page number other than 1, cannot be walked
    /// this way: the stream's only item is then [`Error::InvalidRequest`], and nothing is
    /// sent (use [`ListCall::pages`] for those). A page ending on the same id as the one
    /// before (a server that ignores the filter) is an [`Error::Decode`].
    pub fn all_pages(self) -> impl Stream<Item = Result<Page<T>>> + Send + 'static {
        let state = match Walk::new(self.parts) {
            Ok(walk) => WalkState::Start(walk),
            Err(error) => WalkState::Failed(error),
        };
        futures_util::stream::unfold(state, |state| async move {
            let (walk, pending) = match state {
                WalkState::Failed(error) => return Some((Err(error), WalkState::Done)),
                WalkState::Done => return None,
                WalkState::Start(walk) => {
                    let first = Pending::start(walk.fetch::<T>(None, None));
                    (walk, first)
                }
                WalkState::Next(walk, pending) => (walk, pending),
            };
            match pending.finish().await {
                Ok(step) => {
                    let next = match step.last.filter(|_| step.more) {
                        Some(last) => {
                            let fetch = walk.fetch::<T>(Some(last), Some(step.remaining));
                            WalkState::Next(walk, Pending::start(fetch))
                        }
                        None => WalkState::Done,
                    };
                    Some((Ok(step.page), next))
                }
                Err(error) => Some((Err(error), WalkState::Done)),
            }
        })
    }
}

/// `{"meta": {"record_count": n}}`, all a count reads of its page.
#[derive(Deserialize)]
struct Counted {
    meta: CountedMeta,
}

#[derive(Deserialize)]
struct CountedMeta {
    record_count: u64,
}

/// The ids of a page's resources, and its count, read beside the resources themselves.
#[derive(Deserialize)]
struct PageIds {
    data: Vec<IdOnly>,
    meta: CountedMeta,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

/// A list walked by id: its request without the id condition, in which direction, and
/// which condition continues it.
#[derive(Clone)]
struct Walk {
    parts: Parts,
    after: &'static str,
}

impl Walk {
    /// The walk of a list call, or why it cannot be walked by id.
    fn new(mut parts: Parts) -> Result<Self> {
        let direction = match parts.query.sort_keys() {
            [] => Direction::Ascending,
            [key] if key == "id" => Direction::Ascending,
            [key] if key == "-id" => Direction::Descending,
            keys => {
                return Err(Error::invalid_request(format!(
                    "`all` walks the list in order of id, so it cannot sort by `{}`: remove \
                     the sort, or read the list with `pages` or `stream`",
                    keys.join(",")
                )));
            }
        };
        if let Some(number) = parts.query.page_number_set().filter(|n| *n != 1) {
            return Err(Error::invalid_request(format!(
                "`all` walks the list from its start, so it cannot start at page {number}: \
                 remove the page number, or read the list with `pages` or `stream`"
            )));
        }
        let size = parts.query.page_size_set().unwrap_or(MAX_PAGE_SIZE);
        parts.query.clear_sort_and_page();
        parts.query.sort("id", direction);
        parts.query.page_size(size);
        let after = match direction {
            Direction::Ascending => "id_gt",
            Direction::Descending => "id_lt",
        };
        Ok(Self { parts, after })
    }

    /// Fetches the page after the resource `last` (the first page for `None`), of the
    /// `remaining` records the first page counted and the walk has not read.
    fn fetch<T: Resource>(
        &self,
        last: Option<String>,
        remaining: Option<u64>,
    ) -> impl Future<Output = Result<Step<T>>> + Send + 'static {
        let mut parts = self.parts.clone();
        if let Some(last) = &last {
            parts.query.set_filter(self.after, last.clone());
        }
        async move {
            let (client, request) = parts.request()?;
            let response = client.send(request).await?;
            let mut page = decode::<Page<T>>(&response.body, &response.origin)?;
            let ids = decode::<PageIds>(&response.body, &response.origin)?;
            let next = ids.data.last().map(|resource| resource.id.clone());
            if next.is_some() && next == last {
                return Err(stuck(&response.body, &response.origin));
            }
            page.included.set_origin(Arc::new(response.origin));
            let read = ids.data.len() as u64;
            let remaining = remaining
                .unwrap_or(ids.meta.record_count)
                .saturating_sub(read);
            let more = read > 0 && ids.meta.record_count > read && remaining > 0;
            Ok(Step {
                page,
                last: next,
                more,
                remaining,
            })
        }
    }
}

/// The error for a page that ends where the previous one did: the server does not follow
/// the id condition, and the walk would never end.
fn stuck(body: &[u8], origin: &Origin) -> Error {
    Error::Decode {
        request: origin.request.clone(),
        status: origin.status,
        path: "data".to_string(),
        message: "the page ends with the same id as the one before: the API did not follow \
                  the id condition, so the walk stops"
            .to_string(),
        body: origin.redactor.body(body),
    }
}

/// One page of a walk: its resources, the id of its last one, whether more follow, and how
/// many of the records the first page counted are still to read.
struct Step<T> {
    page: Page<T>,
    last: Option<String>,
    more: bool,
    remaining: u64,
}

enum WalkState<T> {
    Start(Walk),
    Next(Walk, Pending<Step<T>>),
    Failed(Error),
    Done,
}

/// A page being fetched: on a task of its own in a Tokio runtime (so that it progresses
/// while the caller works on the previous page; aborted when dropped), else in place.
enum Pending<S> {
    Task(AbortOnDrop<Result<S>>),
    Here(Pin<Box<dyn Future<Output = Result<S>> + Send>>),
}

struct AbortOnDrop<R>(tokio::task::JoinHandle<R>);

impl<R> Drop for AbortOnDrop<R> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<S: Send + 'static> Pending<S> {
    fn start(fetch: impl Future<Output = Result<S>> + Send + 'static) -> Self {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Pending::Task(AbortOnDrop(runtime.spawn(fetch))),
            Err(_) => Pending::Here(Box::pin(fetch)),
        }
    }

    async fn finish(self) -> Result<S> {
        match self {
            Pending::Task(mut task) => match (&mut task.0).await {
                Ok(result) => result,
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(_) => Err(Error::invalid_request(
                    "the task fetching the next page was cancelled: the Tokio runtime is \
                     shutting down",
                )),
            },
            Pending::Here(fetch) => fetch.await,
        }
    }
}

impl<T: Resource> IntoFuture for ListCall<T> {
    type Output = Result<Page<T>>;
    type IntoFuture = CallFuture<Page<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A call answering nothing: delete.
#[derive(Debug, Clone)]
#[must_use = "a call does nothing until it is awaited"]
pub struct DeleteCall {
    parts: Parts,
}

impl DeleteCall {
    /// `DELETE {collection}/{id}`: any resource by its collection and id.
    pub fn delete(client: &Client, collection: &str, id: &str) -> Self {
        Self {
            parts: Parts::new(client, Method::DELETE, item_path(collection, id, None)),
        }
    }

    request_options!();

    /// Sends the request; the same as `.await`. Any success status (the API answers `204 No
    /// Content`) is success, whatever the body.
    pub async fn send(self) -> Result<()> {
        let (client, request) = self.parts.request()?;
        client.send(request).await?;
        Ok(())
    }
}

impl IntoFuture for DeleteCall {
    type Output = Result<()>;
    type IntoFuture = CallFuture<()>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The longest path a [`RawRequest`] accepts, in bytes.
const MAX_RAW_PATH_LENGTH: usize = 4096;

/// A request to any endpoint of the API ([`Client::request`]), for those the specs do not
/// cover: sent by `.await` (or `.send()`), answering a [`RawResponse`] for a success status
/// and an [`Error`] otherwise, exactly as the generated calls do.
///
/// It goes through the same authentication, retries (a `POST` or `PATCH` of unknown fate is
/// never sent twice), pacing, body cap and error scrubbing as every call. It accepts
/// JSON:API (`application/vnd.api+json`) unless [`RawRequest::accept`] says otherwise, and a
/// [`RawRequest::json`] body is sent as JSON:API.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RawRequest {
    parts: Parts,
}

impl RawRequest {
    pub(crate) fn new(client: &Client, method: Method, path: &str) -> Self {
        let checked = raw_path(path);
        let from_origin = path.starts_with('/');
        let mut parts = Parts::new(client, method, checked);
        parts.from_origin = from_origin;
        Self { parts }
    }

    /// Adds a query parameter, percent-encoded (`.query("filter[q][name_eq]", "VIP")`).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.query.param(name.into(), value.into());
        self
    }

    /// Sends `body`, serialized as JSON, as the request's body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(body) => self.parts.body = Some(body),
            Err(error) => {
                self.parts
                    .error
                    .get_or_insert_with(|| format!("cannot serialize the request body: {error}"));
            }
        }
        self
    }

    /// The `Accept` header, instead of `application/vnd.api+json` (the Metrics API takes
    /// `application/vnd.api.v1+json` to name its version).
    pub fn accept(mut self, value: HeaderValue) -> Self {
        self.parts.accept = Some(value);
        self
    }

    request_options!();

    /// Sends the request; the same as `.await`.
    pub async fn send(self) -> Result<RawResponse> {
        let (client, request) = self.parts.request()?;
        let response = client.send(request).await?;
        Ok(RawResponse {
            status: response.origin.status,
            headers: response.headers,
            body: response.body,
            origin: response.origin,
        })
    }

    /// Sends the request and decodes the answer's body into `T`
    /// ([`RawResponse::json`]).
    pub async fn decode<T: DeserializeOwned>(self) -> Result<T> {
        self.send().await?.json()
    }
}

impl IntoFuture for RawRequest {
    type Output = Result<RawResponse>;
    type IntoFuture = CallFuture<RawResponse>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A successful answer to a [`RawRequest`]: its status, headers and body.
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    origin: Origin,
}

/// The body is shown by its length only.
impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl RawResponse {
    /// The status (a success: failures are errors).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, as received (at most the client's
    /// [`max_response_size`](crate::ClientBuilder::max_response_size)).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, without copying it.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The body decoded from JSON into `T` (such as a [`Document`] of a resource, or a
    /// [`Value`]); an [`Error::Decode`] saying where and why it does not decode.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.body, &self.origin)
    }
}

/// Checks a raw request's path: a path under the base URL, or under the host when it starts
/// with `/`, made of segments of RFC 3986 path characters (percent-encoded where needed),
/// without `.` or `..` segments, empty segments, a query or a fragment. No message repeats
/// the path.
fn raw_path(path: &str) -> Result<String> {
    let refuse = |message: String| Err(Error::invalid_request(message));
    if path.len() > MAX_RAW_PATH_LENGTH {
        return refuse(format!(
            "the path is {} bytes long; the longest accepted is {MAX_RAW_PATH_LENGTH}",
            path.len()
        ));
    }
    let relative = path.strip_prefix('/').unwrap_or(path);
    if relative.is_empty() {
        return refuse("the path is empty: name an endpoint, such as `customer_groups`".into());
    }
    if relative.starts_with('/') {
        return refuse(
            "a path starting with `//` names another host; the client only sends to the API's"
                .into(),
        );
    }
    let bytes = relative.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b'%' => {
                let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return refuse(
                        "a `%` in the path must start a percent-encoded byte (such as `%2F`)"
                            .into(),
                    );
                }
                i += 3;
                continue;
            }
            b'?' => {
                return refuse(
                    "the path cannot hold a query: add parameters with `.query(name, value)`"
                        .into(),
                );
            }
            b'#' => return refuse("the path cannot hold a fragment".into()),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {}
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b':' | b'@' | b'/' => {}
            _ => {
                return refuse(format!(
                    "the path cannot hold the byte {byte:#04x}: percent-encode it"
                ));
            }
        }
        i += 1;
    }
    for segment in relative.split('/') {
        if segment.is_empty() {
            return refuse("the path has an empty segment (`//`, or a trailing `/`)".into());
        }
        // URL parsers read `%2e` as a dot in these segments.
        let dots = segment.to_ascii_lowercase().replace("%2e", ".");
        if dots == "." || dots == ".." {
            return refuse("the path cannot hold `.` or `..` segments".into());
        }
    }
    if !path.starts_with('/') && relative.split('/').next().is_some_and(|s| s.contains(':')) {
        return refuse(
            "a path whose first segment holds `:` reads as a URL: give the path alone, such as \
             `customer_groups`"
                .into(),
        );
    }
    Ok(path.to_string())
}
