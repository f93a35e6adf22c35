//! A callback's body: the JSON:API document Commerce Layer posts ([`Payload`]), and a webhook
//! event, which adds its topic ([`Event`]).
//!
//! Source: the vendor's "Real-time webhooks" page ("the request contains a JSON payload in
//! the same format that you get when fetching the same resource through the REST API", with
//! the webhook's `include_resources` in `included`) and "External resources" ("the same
//! format that you get when fetching a resource through the REST API, with some relevant
//! resources included").
//!
//! Parsing reads the body only as far as the type and id of the resource in `data` (a few
//! dozen bytes in what Commerce Layer sends), so that a service can route or queue a callback
//! at the cost of its signature alone. [`Payload::decode`] and [`Event::decode`] then read
//! and check the whole body, with the client's own decoding, into the same [`Document`] a
//! call returns; a body that goes wrong after its head is refused there.

use std::fmt;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::topic::Topic;
use crate::call::Document;
use crate::error::{Error, Origin, Result, decode, decode_failure};
use crate::jsonapi::Resource;

/// A callback body: a JSON:API document whose `data` is the resource the callback is about.
///
/// Source: the vendor's "Real-time webhooks" page (a webhook's body is "in the same format
/// that you get when fetching the same resource through the REST API", with the webhook's
/// `include_resources` in `included`) and "External resources" (the same, "with some relevant
/// resources included").
///
/// Its `Debug` shows the resource's type and id and the body's length, not the body (which
/// holds customer data).
#[derive(Clone)]
pub struct Payload {
    body: Bytes,
    data: Data,
}

/// What `data` holds, as far as parsing looks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Data {
    /// A resource object.
    Resource { type_: String, id: String },
    /// `null`.
    Null,
    /// An array of resource objects.
    Many,
}

impl Payload {
    /// Parses a callback body: a JSON object whose `data` is a resource object (with a string
    /// `type` and `id`), `null`, or an array. Anything else, including malformed JSON up to
    /// there, is [`Error::Decode`] saying where.
    ///
    /// Only the document's head is read: up to the type and id of the resource in `data` (a
    /// few dozen bytes in what Commerce Layer sends), so that a service can route or queue a
    /// callback at the cost of its signature alone. What follows is read, and checked, by
    /// [`decode`](Self::decode).
    pub fn parse(body: &[u8]) -> Result<Payload> {
        Payload::from_bytes(Bytes::copy_from_slice(body))
    }

    /// Parses a body without copying it.
    pub(crate) fn from_bytes(body: Bytes) -> Result<Payload> {
        let data = read_head(&body)
            .map_err(|error| decode_failure("", &body, &error, &Origin::default()))?;
        Ok(Payload { body, data })
    }

    /// The JSON:API type of the resource in `data` (`orders`), when `data` is one resource.
    pub fn resource_type(&self) -> Option<&str> {
        match &self.data {
            Data::Resource { type_, .. } => Some(type_),
            Data::Null | Data::Many => None,
        }
    }

    /// The id of the resource in `data`, when `data` is one resource.
    pub fn id(&self) -> Option<&str> {
        match &self.data {
            Data::Resource { id, .. } => Some(id),
            Data::Null | Data::Many => None,
        }
    }

    /// The raw body, exactly as received (and as signed).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the body into the [`Document`] a call would return for `T`, with the
    /// resources it `included`.
    ///
    /// `T` is the resource's type ([`GenericResource`] for any type): when `data` holds
    /// another type, this is [`Error::Decode`] at `data.type`, before anything is decoded.
    ///
    /// [`GenericResource`]: crate::jsonapi::GenericResource
    pub fn decode<T: Resource>(&self) -> Result<Document<T>> {
        if let (Some(expected), Some(found)) = (T::TYPE, self.resource_type()) {
            if expected != found {
                return Err(type_mismatch(
                    &self.body,
                    format!(
                        "expected a resource of type `{expected}`, the callback holds `{found}`"
                    ),
                ));
            }
        }
        decode(&self.body, &Origin::default())
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("resource_type", &self.resource_type())
            .field("id", &self.id())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// A webhook event: its topic (`orders.place`) and its body, a JSON:API document of the
/// topic's resource.
///
/// ```
/// use commercelayer::callbacks::Event;
/// use commercelayer::jsonapi::GenericResource;
///
/// let body = br#"{"data":{"id":"xYZkjABcde","type":"orders","attributes":{"status":"placed"}}}"#;
/// let event = Event::parse("orders.place", body)?;
/// assert_eq!(event.topic(), "orders.place");
/// assert_eq!(event.id(), Some("xYZkjABcde"));
///
/// // With the `orders` feature, `event.decode::<Order>()` gives a typed `Order`; any
/// // topic also decodes into a generic resource.
/// let order = event.decode::<GenericResource>()?.data;
/// assert_eq!(order.attributes["status"], "placed");
/// # Ok::<(), commercelayer::Error>(())
/// ```
#[derive(Clone)]
pub struct Event {
    topic: Topic,
    payload: Payload,
}

impl Event {
    /// Parses a webhook: its topic (the `X-CommerceLayer-Topic` header) and its body (see
    /// [`Payload::parse`]).
    ///
    /// A topic that is not `{resource}.{event}` is [`Error::InvalidRequest`]; a body that is
    /// not a JSON:API document, or whose `data` is a resource of another type than the
    /// topic's, is [`Error::Decode`]. Any well-formed topic is accepted, known or not.
    pub fn parse(topic: &str, body: &[u8]) -> Result<Event> {
        Event::from_bytes(topic, Bytes::copy_from_slice(body))
    }

    /// Parses a webhook without copying its body.
    pub(crate) fn from_bytes(topic: &str, body: Bytes) -> Result<Event> {
        let topic = Topic::parse(topic)?;
        let payload = Payload::from_bytes(body)?;
        if let Some(found) = payload.resource_type() {
            if found != topic.resource() {
                return Err(type_mismatch(
                    &payload.body,
                    format!(
                        "the topic `{topic}` is about `{}`, the body holds `{found}`",
                        topic.resource()
                    ),
                ));
            }
        }
        Ok(Event { topic, payload })
    }

    /// The topic, as sent (`orders.place`).
    pub fn topic(&self) -> &str {
        self.topic.as_str()
    }

    /// The topic, split into its resource (`orders`) and event (`place`).
    pub fn topic_parts(&self) -> &Topic {
        &self.topic
    }

    /// The id of the resource the event is about, when the body holds one resource.
    pub fn id(&self) -> Option<&str> {
        self.payload.id()
    }

    /// The body, parsed.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The raw body, exactly as received (and as signed).
    pub fn body(&self) -> &[u8] {
        self.payload.body()
    }

    /// Whether the event is about a resource of type `T` (always, for
    /// [`GenericResource`](crate::jsonapi::GenericResource)).
    pub fn is<T: Resource>(&self) -> bool {
        T::TYPE.is_none_or(|type_| type_ == self.topic.resource())
    }

    /// Decodes the body into the [`Document`] a call would return for `T`: with the
    /// `orders` feature, `orders.place` decodes as `Document<Order>`, its `included`
    /// resources resolvable with `document.included.resolve::<LineItem>(...)`. A topic whose
    /// resource has no type in this build decodes with `T = GenericResource`.
    ///
    /// When `T` is another type than the topic's resource, this is [`Error::Decode`] at
    /// `data.type`, before anything is decoded.
    pub fn decode<T: Resource>(&self) -> Result<Document<T>> {
        if !self.is::<T>() {
            return Err(type_mismatch(
                &self.payload.body,
                format!(
                    "the topic `{}` is about `{}`, not `{}`",
                    self.topic,
                    self.topic.resource(),
                    T::TYPE.unwrap_or_default()
                ),
            ));
        }
        self.payload.decode()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("topic", &self.topic.as_str())
            .field("id", &self.id())
            .field("body_bytes", &self.payload.body.len())
            .finish()
    }
}

/// The error for a document of another type than expected.
fn type_mismatch(body: &[u8], message: String) -> Error {
    let origin = Origin::default();
    Error::Decode {
        request: None,
        status: origin.status,
        path: "data.type".to_string(),
        message: origin.redactor.line(&message),
        body: origin.redactor.body(body),
    }
}

/// Reads a callback document only as far as it takes to know what `data` holds: up to the
/// `type` and `id` of its resource (or its `null`, or its `[`), skipping the members before
/// it. Everything after is left for [`Payload::decode`], which reads and checks the whole
/// document. In the documents Commerce Layer sends, `data` comes first and opens with its id
/// and type, so this reads a few dozen bytes however large the body.
///
/// serde has no way to stop a deserializer half way: the visitors record what they found in
/// `found` and then end the parse with an error, which is not one when `found` is set.
fn read_head(body: &[u8]) -> std::result::Result<Data, serde_json::Error> {
    let mut found = None;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let outcome = HeadSeed { found: &mut found }.deserialize(&mut deserializer);
    match (found, outcome) {
        (Some(data), _) => Ok(data),
        (None, Err(error)) => Err(error),
        // The visitors never succeed without finding `data`.
        (None, Ok(())) => Err(de::Error::missing_field("data")),
    }
}

/// What ends the parse once `data` is known (never shown: `found` is set).
fn stop<E: de::Error>() -> E {
    E::custom("the head of the document is read")
}

/// The document: looks for `data`, skipping the other members.
struct HeadSeed<'a> {
    found: &'a mut Option<Data>,
}

impl<'de> DeserializeSeed<'de> for HeadSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeadSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON:API document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Data => {
                    return map.next_value_seed(DataSeed { found: self.found });
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Err(de::Error::missing_field("data"))
    }
}

/// `data`: a resource object (read up to its type and id), `null`, or an array.
struct DataSeed<'a> {
    found: &'a mut Option<Data>,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object, an array of them, or null")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        *self.found = Some(Data::Null);
        Err(stop())
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<(), E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> std::result::Result<(), A::Error> {
        *self.found = Some(Data::Many);
        Err(stop())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut type_: Option<String> = None;
        let mut id: Option<String> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Type if type_.is_some() => return Err(de::Error::duplicate_field("type")),
                Key::Type => type_ = Some(map.next_value()?),
                Key::Id if id.is_some() => return Err(de::Error::duplicate_field("id")),
                Key::Id => id = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if type_.is_some() && id.is_some() {
                if let (Some(type_), Some(id)) = (type_.take(), id.take()) {
                    *self.found = Some(Data::Resource { type_, id });
                }
                return Err(stop());
            }
        }
        match type_ {
            None => Err(de::Error::missing_field("type")),
            Some(_) => Err(de::Error::missing_field("id")),
        }
    }
}

/// The keys parsing looks for, read without allocating.
enum Key {
    Data,
    Type,
    Id,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> std::result::Result<Key, E> {
                Ok(match key {
                    "data" => Key::Data,
                    "type" => Key::Type,
                    "id" => Key::Id,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonapi::GenericResource;

    fn path_and_message(error: Error) -> (String, String) {
        match error {
            Error::Decode { path, message, .. } => (path, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keeps_type_and_id_and_skips_the_rest() {
        let body = br#"{"included":[{"id":"a","type":"markets"}],"data":{"attributes":{"type":"x","id":"y"},"type":"orders","id":"o1"},"meta":{}}"#;
        let payload = Payload::parse(body).unwrap();
        assert_eq!(payload.resource_type(), Some("orders"));
        assert_eq!(payload.id(), Some("o1"));
        assert_eq!(payload.body(), body);
        assert_eq!(
            format!("{payload:?}"),
            format!(
                r#"Payload {{ resource_type: Some("orders"), id: Some("o1"), body_bytes: {} }}"#,
                body.len()
            )
        );
    }

    #[test]
    fn null_and_list_data_parse_but_hold_no_single_resource() {
        let null = Payload::parse(br#"{"data":null}"#).unwrap();
        assert_eq!(null.resource_type(), None);
        assert!(
            null.decode::<Option<GenericResource>>()
                .unwrap()
                .data
                .is_none()
        );
        let many = Payload::parse(br#"{"data":[{"id":"a","type":"parcels"}]}"#).unwrap();
        assert_eq!(many.id(), None);
        let (path, message) = path_and_message(many.decode::<GenericResource>().unwrap_err());
        // serde reads a struct from an array field by field: the first field, the id, is
        // where it fails.
        assert_eq!(path, "data[0]");
        assert_eq!(message, "invalid type: map, expected a string");
    }

    #[test]
    fn refuses_what_is_not_a_callback_document() {
        for (body, path, message) in [
            ("", "", "EOF while parsing a value"),
            (
                "[]",
                "",
                "invalid type: sequence, expected a JSON:API document",
            ),
            ("{}", "", "missing field `data`"),
            (r#"{"included":[1,}"#, "included[1]", "expected value"),
            (
                r#"{"data":1}"#,
                "data",
                "invalid type: integer `1`, expected a resource object, an array of them, or null",
            ),
            (r#"{"data":{"id":"a"}}"#, "data", "missing field `type`"),
            (
                r#"{"data":{"type":"orders"}}"#,
                "data",
                "missing field `id`",
            ),
            (
                r#"{"data":{"type":"orders","id":7}}"#,
                "data.id",
                "invalid type: integer `7`, expected a string",
            ),
            (
                r#"{"data":{"type":"a","type":"b","id":"x"}}"#,
                "data.type",
                "duplicate field `type`",
            ),
            (
                r#"{"data":{"type":"a","attributes":{"x":trux}}}"#,
                "data.attributes.x",
                "expected ident",
            ),
        ] {
            let error = Payload::parse(body.as_bytes()).unwrap_err();
            let (found_path, found_message) = path_and_message(error);
            assert_eq!(
                (found_path.as_str(), found_message.as_str()),
                (path, message),
                "{body}"
            );
        }
    }

    #[test]
    fn parsing_stops_at_the_head_and_decoding_checks_the_rest() {
        for (body, path, message) in [
            (
                r#"{"data":{"id":"a","type":"gizmos"},"included":[1,}"#,
                "included[1]",
                "expected value",
            ),
            (
                r#"{"data":{"id":"a","type":"gizmos"}} trailing"#,
                "",
                "trailing characters",
            ),
            (
                r#"{"data":{"id":"a","type":"gizmos","id":"b"}}"#,
                "data.id",
                "duplicate field `id`",
            ),
            (
                r#"{"data":null,"data":{"id":"a","type":"gizmos"}}"#,
                "data",
                "duplicate field `data`",
            ),
        ] {
            let payload = Payload::parse(body.as_bytes()).unwrap();
            let error = payload.decode::<Option<GenericResource>>().unwrap_err();
            let (found_path, found_message) = path_and_message(error);
            assert_eq!(
                (found_path.as_str(), found_message.as_str()),
                (path, message),
                "{body}"
            );
        }
        // The head is what parsing found first; decoding reads the same document.
        let payload = Payload::parse(br#"{"data":{"id":"a","type":"gizmos","id":"b"}}"#).unwrap();
        assert_eq!(payload.id(), Some("a"));
    }

    #[test]
    fn event_topic_must_match_the_body() {
        let body = br#"{"data":{"id":"s1","type":"skus"}}"#;
        let (path, message) = path_and_message(Event::parse("orders.place", body).unwrap_err());
        assert_eq!(path, "data.type");
        assert_eq!(
            message,
            "the topic `orders.place` is about `orders`, the body holds `skus`"
        );
        let event = Event::parse("skus.create", body).unwrap();
        assert!(event.is::<GenericResource>());
        assert_eq!(
            format!("{event:?}"),
            r#"Event { topic: "skus.create", id: Some("s1"), body_bytes: 34 }"#
        );
    }

    #[test]
    fn deeply_nested_bodies_neither_overflow_nor_decode() {
        // Skipping is iterative in serde_json: parsing survives any depth; decoding into
        // values stops at serde_json's recursion limit, with an error.
        let deep = format!(
            r#"{{"data":null,"meta":{{"x":{}{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let payload = Payload::parse(deep.as_bytes()).unwrap();
        let error = payload.decode::<Option<GenericResource>>().unwrap_err();
        let (path, message) = path_and_message(error);
        assert!(path.starts_with("meta.x["), "{path}");
        assert!(message.starts_with("recursion limit exceeded"), "{message}");
    }
}
