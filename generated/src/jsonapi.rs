//! JSON:API building blocks shared by every resource: links, meta, relationships,
//! identifiers, the generic resource, included resources and the update tri-state.
//!
//! They are defined once here so that each generated resource stays small.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Origin, Result, decode_at};

/// A resource type the client can decode, with the names its queries may use.
///
/// Generated resources implement it; so does [`GenericResource`], for types without a spec.
pub trait Resource: DeserializeOwned + Send + 'static {
    /// The JSON:API type (`customer_groups`), or `None` for [`GenericResource`], which stands
    /// for any type.
    const TYPE: Option<&'static str>;
    /// The attributes `sort` accepts.
    type Sort: FieldName;
    /// The attributes `filter[q]` predicates accept.
    type Filter: FieldName;
    /// The relationships `include` accepts.
    type Include: FieldName;
    /// The attributes and relationships `fields[type]` accepts.
    type Field: FieldName;
}

/// A to-one relationship may be empty: its endpoint then answers `{"data": null}`, which
/// decodes as `None`.
impl<T: Resource> Resource for Option<T> {
    const TYPE: Option<&'static str> = T::TYPE;
    type Sort = T::Sort;
    type Filter = T::Filter;
    type Include = T::Include;
    type Field = T::Field;
}

/// A name used in a query string: a sortable or filterable attribute, an includable
/// relationship, a field.
pub trait FieldName {
    /// The name as the API spells it (`created_at`).
    fn name(&self) -> &str;
}

/// Any name, for the query options the generated enums do not cover (nested includes,
/// fields of related types, resources without a spec).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawName(pub String);

impl FieldName for RawName {
    fn name(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RawName {
    fn from(name: &str) -> Self {
        RawName(name.to_string())
    }
}

impl From<String> for RawName {
    fn from(name: String) -> Self {
        RawName(name)
    }
}

/// A secret value (a password, an API key, a shared secret, a token): `Debug` shows
/// `<redacted>`, and there is no `Display`, so it does not end up in logs by accident.
/// [`Secret::expose`] gives the value.
#[derive(Clone, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value itself, unwrapped.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

/// A resource's own links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResourceLinks {
    /// The resource's URL (`.../api/customer_groups/xYZkjABcde`).
    #[serde(rename = "self", default)]
    pub self_: Option<String>,
}

/// A relationship's links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RelationshipLinks {
    /// The relationship itself (`.../customer_groups/{id}/relationships/markets`).
    #[serde(rename = "self", default)]
    pub self_: Option<String>,
    /// The related resources (`.../customer_groups/{id}/markets`).
    #[serde(default)]
    pub related: Option<String>,
}

/// Whether a resource lives in the test or the live environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// `test`
    Test,
    /// `live`
    Live,
    /// A value this client does not know yet, kept as sent.
    Other(String),
}

impl Mode {
    /// The value as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
            Mode::Other(other) => other,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Mode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let known = |value: &str| match value {
            "test" => Some(Mode::Test),
            "live" => Some(Mode::Live),
            _ => None,
        };
        crate::support::deserialize_enum(deserializer, known, Mode::Other)
    }
}

/// A resource's `meta`: the environment it lives in, and anything else the API adds.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ResourceMeta {
    /// `test` or `live`.
    pub mode: Option<Mode>,
    /// Every other member of `meta`, as sent.
    pub other: Map<String, Value>,
}

impl<'de> Deserialize<'de> for ResourceMeta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MetaVisitor;
        impl<'de> Visitor<'de> for MetaVisitor {
            type Value = ResourceMeta;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a meta object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResourceMeta, A::Error> {
                let mut meta = ResourceMeta::default();
                while let Some(key) = map.next_key::<MetaKey>()? {
                    match key {
                        MetaKey::Mode => meta.mode = map.next_value()?,
                        MetaKey::Other(key) => {
                            meta.other.insert(key, map.next_value()?);
                        }
                    }
                }
                Ok(meta)
            }
        }
        deserializer.deserialize_map(MetaVisitor)
    }
}

/// A key of `meta`: `mode` is read without allocating.
enum MetaKey {
    Mode,
    Other(String),
}

impl<'de> Deserialize<'de> for MetaKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = MetaKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<MetaKey, E> {
                Ok(match key {
                    "mode" => MetaKey::Mode,
                    other => MetaKey::Other(other.to_string()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Identifies one resource: its type and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub struct ResourceIdentifier {
    /// The JSON:API type (`markets`).
    #[serde(rename = "type")]
    pub type_: String,
    /// The id.
    pub id: String,
}

impl ResourceIdentifier {
    /// An identifier for a resource of type `type_` with id `id`.
    pub fn new(type_: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            type_: type_.into(),
            id: id.into(),
        }
    }
}

/// A to-one relationship as a response carries it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ToOne {
    /// Its links.
    #[serde(default)]
    pub links: Option<RelationshipLinks>,
    /// The linkage: `None` when the response does not carry it (it does when the
    /// relationship is included), `Some(None)` when nothing is related, `Some(Some(id))`
    /// otherwise.
    #[serde(default, deserialize_with = "present")]
    pub data: Option<Option<ResourceIdentifier>>,
    /// Anything the API adds.
    #[serde(default)]
    pub meta: Option<Map<String, Value>>,
}

/// A to-many relationship as a response carries it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ToMany {
    /// Its links.
    #[serde(default)]
    pub links: Option<RelationshipLinks>,
    /// The linkage: `None` when the response does not carry it (it does when the
    /// relationship is included).
    #[serde(default)]
    pub data: Option<Vec<ResourceIdentifier>>,
    /// Anything the API adds.
    #[serde(default)]
    pub meta: Option<Map<String, Value>>,
}

/// Tells a member that is `null` (`Some(None)`) from one that is absent (`None`, by
/// `#[serde(default)]`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Any relationship of a [`GenericResource`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct GenericRelationship {
    /// Its links.
    #[serde(default)]
    pub links: Option<RelationshipLinks>,
    /// The linkage exactly as sent (`null`, an identifier, or an array of them), when sent.
    #[serde(default, deserialize_with = "present")]
    pub data: Option<Option<Value>>,
    /// Anything the API adds.
    #[serde(default)]
    pub meta: Option<Map<String, Value>>,
}

/// A resource of any type, for types that have no spec (and so no generated struct) yet.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct GenericResource {
    /// The id.
    pub id: String,
    /// The JSON:API type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Every attribute, as sent.
    #[serde(default)]
    pub attributes: Map<String, Value>,
    /// Every relationship, by name.
    #[serde(default)]
    pub relationships: BTreeMap<String, GenericRelationship>,
    /// The resource's links.
    #[serde(default)]
    pub links: ResourceLinks,
    /// The resource's meta.
    #[serde(default)]
    pub meta: ResourceMeta,
}

impl Resource for GenericResource {
    const TYPE: Option<&'static str> = None;
    type Sort = RawName;
    type Filter = RawName;
    type Include = RawName;
    type Field = RawName;
}

/// The resources a response carries in `included`, kept as sent and decoded on request.
///
/// Decoding only what is asked for keeps responses with large `included` sections cheap. A
/// resource that does not decode is an [`Error::Decode`](crate::Error::Decode) whose path
/// starts with its place (`included[3].attributes.created_at`).
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Included {
    resources: Vec<Box<RawValue>>,
    /// The answer they came in, for the errors decoding them gives.
    #[serde(skip)]
    origin: Option<Arc<Origin>>,
}

/// The resources as sent; not where they came from.
impl fmt::Debug for Included {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.resources).finish()
    }
}

impl PartialEq for Included {
    fn eq(&self, other: &Self) -> bool {
        self.resources.len() == other.resources.len()
            && self
                .resources
                .iter()
                .zip(&other.resources)
                .all(|(a, b)| a.get() == b.get())
    }
}

#[derive(Deserialize)]
struct Key<'a> {
    #[serde(rename = "type", borrow)]
    type_: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
}

impl Included {
    /// How many resources were included.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// Each included resource's raw JSON, as sent.
    pub fn raw(&self) -> impl Iterator<Item = &RawValue> {
        self.resources.iter().map(AsRef::as_ref)
    }

    /// Records the answer these resources came in.
    pub(crate) fn set_origin(&mut self, origin: Arc<Origin>) {
        self.origin = Some(origin);
    }

    fn find(&self, type_: &str, id: &str) -> Option<(usize, &RawValue)> {
        self.raw().enumerate().find(|(_, raw)| {
            serde_json::from_str::<Key<'_>>(raw.get())
                .is_ok_and(|key| key.type_ == type_ && key.id == id)
        })
    }

    /// Decodes included resource number `index`.
    fn decode<T: Resource>(&self, index: usize, raw: &RawValue) -> Result<T> {
        let prefix = format!("included[{index}]");
        match &self.origin {
            Some(origin) => decode_at(&prefix, raw.get().as_bytes(), origin),
            None => decode_at(&prefix, raw.get().as_bytes(), &Origin::default()),
        }
    }

    /// The included resource an identifier points to, decoded as `T` (which must be of the
    /// identifier's type, or [`GenericResource`]). `None` when it was not included.
    pub fn resolve<T: Resource>(&self, identifier: &ResourceIdentifier) -> Option<Result<T>> {
        if T::TYPE.is_some_and(|t| t != identifier.type_) {
            return None;
        }
        let (index, raw) = self.find(&identifier.type_, &identifier.id)?;
        Some(self.decode(index, raw))
    }

    /// The included resource of `T`'s type with this id.
    pub fn get<T: Resource>(&self, id: &str) -> Option<Result<T>> {
        let type_ = T::TYPE?;
        let (index, raw) = self.find(type_, id)?;
        Some(self.decode(index, raw))
    }

    /// Every included resource of `T`'s type, decoded (every resource, for
    /// [`GenericResource`]).
    pub fn all<T: Resource>(&self) -> impl Iterator<Item = Result<T>> + '_ {
        self.raw()
            .enumerate()
            .filter(|(_, raw)| match T::TYPE {
                None => true,
                Some(type_) => {
                    serde_json::from_str::<Key<'_>>(raw.get()).is_ok_and(|key| key.type_ == type_)
                }
            })
            .map(|(index, raw)| self.decode(index, raw))
    }
}

/// A change to a nullable attribute in an update: leave it alone, clear it, or set it.
///
/// Unchanged attributes are left out of the request; `Clear` sends `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Not sent: the attribute keeps its value.
    #[default]
    Unchanged,
    /// Sent as `null`: the attribute is cleared.
    Clear,
    /// Sent as this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the attribute is left alone (and so not sent).
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => value.serialize(serializer),
            // `Unchanged` is skipped by `skip_serializing_if`; were it ever serialized, `null`
            // is the least surprising thing to send.
            Patch::Unchanged | Patch::Clear => serializer.serialize_none(),
        }
    }
}

/// A relationship's new linkage in a create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linkage {
    /// Link to this resource (to-one).
    To(ResourceIdentifier),
    /// Unlink (to-one): sent as `null`.
    Clear,
    /// Link to exactly these resources (to-many), replacing any others.
    ToMany(Vec<ResourceIdentifier>),
}

impl Linkage {
    /// Links to the resource of type `type_` with this id.
    pub fn to(type_: &str, id: impl Into<String>) -> Self {
        Linkage::To(ResourceIdentifier::new(type_, id))
    }

    /// Links to the resources of type `type_` with these ids.
    pub fn to_many(type_: &str, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Linkage::ToMany(
            ids.into_iter()
                .map(|id| ResourceIdentifier::new(type_, id))
                .collect(),
        )
    }
}

impl Serialize for Linkage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Linkage::To(identifier) => map.serialize_entry("data", identifier)?,
            Linkage::Clear => map.serialize_entry("data", &())?,
            Linkage::ToMany(identifiers) => map.serialize_entry("data", identifiers)?,
        }
        map.end()
    }
}

/// The relationships a create or update body links, by name, in the order they were set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linkages(Vec<(&'static str, Linkage)>);

impl Linkages {
    /// Sets a relationship's linkage, replacing what it had.
    pub fn set(&mut self, relationship: &'static str, linkage: Linkage) {
        match self.0.iter_mut().find(|(name, _)| *name == relationship) {
            Some((_, existing)) => *existing = linkage,
            None => self.0.push((relationship, linkage)),
        }
    }

    /// A relationship's linkage, if set.
    pub fn get(&self, relationship: &str) -> Option<&Linkage> {
        self.0
            .iter()
            .find(|(name, _)| *name == relationship)
            .map(|(_, linkage)| linkage)
    }

    /// Whether nothing is linked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Itself, or `None` when nothing is linked (the request then has no `relationships`).
    pub fn non_empty(&self) -> Option<&Self> {
        (!self.is_empty()).then_some(self)
    }
}

impl Serialize for Linkages {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, linkage) in &self.0 {
            map.serialize_entry(name, linkage)?;
        }
        map.end()
    }
}

/// The body of a create or update request: `{"data": {"type", "id"?, "attributes",
/// "relationships"?}}`.
#[derive(Serialize)]
pub(crate) struct WriteDocument<'a, A, R> {
    pub(crate) data: WriteData<'a, A, R>,
}

#[derive(Serialize)]
pub(crate) struct WriteData<'a, A, R> {
    #[serde(rename = "type")]
    pub(crate) type_: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<&'a str>,
    pub(crate) attributes: &'a A,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) relationships: Option<R>,
}
