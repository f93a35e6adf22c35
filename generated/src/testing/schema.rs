//! What the fake knows about one resource: plain `&'static` data, written by the generator
//! from the resource's spec (and by hand in this crate's own tests).
//!
//! Every fact here is one the spec carries (`spec/README.md`): the actions, whether the
//! resource is a singleton, each attribute's type and flags, each relationship's cardinality,
//! targets and flags. The constructors are `const fn`, so a schema is a `const` item:
//!
//! ```
//! use commercelayer::testing::{Action, AttributeSchema, Kind, RelationshipSchema, ResourceSchema};
//!
//! const CUSTOMER_GROUPS: ResourceSchema = ResourceSchema::new("customer_groups", "customer_group")
//!     .actions(&[Action::List, Action::Retrieve, Action::Create, Action::Update, Action::Delete])
//!     .attributes(&[
//!         AttributeSchema::new("name", Kind::String).required().updatable().filterable().sortable(),
//!         AttributeSchema::new("created_at", Kind::Datetime).filterable().sortable(),
//!     ])
//!     .relationships(&[RelationshipSchema::to_many("markets", &["markets"]).includable()]);
//! assert!(CUSTOMER_GROUPS.attribute("name").is_some_and(|a| a.creatable));
//! ```

/// An operation a resource supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `GET /{type}`
    List,
    /// `GET /{type}/{id}`, or `GET /{singular}` for a singleton
    Retrieve,
    /// `POST /{type}`
    Create,
    /// `PATCH /{type}/{id}`
    Update,
    /// `DELETE /{type}/{id}`
    Delete,
}

/// The type of an attribute's value, as the spec names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A JSON string.
    String,
    /// A JSON integer.
    Integer,
    /// A JSON number.
    Float,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 timestamp in a JSON string; the fake writes it as the API does
    /// (`2018-01-01T12:00:00.000Z`).
    Datetime,
    /// A JSON object.
    Object,
    /// A JSON array of values of the given kind.
    Array(&'static Kind),
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// Any JSON value.
    Json,
}

/// A constant value: an attribute's default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// A boolean.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A number.
    Float(f64),
    /// A string (also an enum value).
    String(&'static str),
}

impl Literal {
    /// The value as JSON.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Literal::Boolean(b) => b.into(),
            Literal::Integer(i) => i.into(),
            Literal::Float(f) => f.into(),
            Literal::String(s) => s.into(),
        }
    }
}

/// One attribute of a resource.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct AttributeSchema {
    /// The wire name (`created_at`, `_place`).
    pub name: &'static str,
    /// The value's type.
    pub kind: Kind,
    /// Must be given on create.
    pub required: bool,
    /// May be given on create.
    pub creatable: bool,
    /// May be changed by an update.
    pub updatable: bool,
    /// May be `null`; an update may clear it.
    pub nullable: bool,
    /// Usable in `filter[q]` predicates.
    pub filterable: bool,
    /// Usable in `sort`.
    pub sortable: bool,
    /// Present in responses (`false` for write-only attributes: triggers, passwords).
    pub fetchable: bool,
    /// A write-only `_name` attribute that makes the API act (`_place`): the fake records it
    /// instead of storing it.
    pub trigger: bool,
    /// The value the API gives it when a create does not.
    pub default: Option<Literal>,
}

impl AttributeSchema {
    /// A read-only, fetchable attribute with no other flag: what the API sets alone.
    pub const fn new(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            required: false,
            creatable: false,
            updatable: false,
            nullable: false,
            filterable: false,
            sortable: false,
            fetchable: true,
            trigger: false,
            default: None,
        }
    }

    /// A trigger (`_place`): a boolean, not fetchable, that an update may send.
    pub const fn trigger(name: &'static str) -> Self {
        let mut attribute = Self::new(name, Kind::Boolean);
        attribute.trigger = true;
        attribute.fetchable = false;
        attribute.updatable = true;
        attribute
    }

    /// Must be given on create (and so may be).
    pub const fn required(mut self) -> Self {
        self.required = true;
        self.creatable = true;
        self
    }

    /// May be given on create.
    pub const fn creatable(mut self) -> Self {
        self.creatable = true;
        self
    }

    /// May be changed by an update.
    pub const fn updatable(mut self) -> Self {
        self.updatable = true;
        self
    }

    /// May be `null`.
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Usable in `filter[q]`.
    pub const fn filterable(mut self) -> Self {
        self.filterable = true;
        self
    }

    /// Usable in `sort`.
    pub const fn sortable(mut self) -> Self {
        self.sortable = true;
        self
    }

    /// Never in responses.
    pub const fn write_only(mut self) -> Self {
        self.fetchable = false;
        self
    }

    /// Given this value when a create leaves it out.
    pub const fn default(mut self, value: Literal) -> Self {
        self.default = Some(value);
        self
    }

    /// Neither creatable nor updatable: set by the API (or by the test) only.
    pub fn is_read_only(&self) -> bool {
        !self.creatable && !self.updatable
    }
}

/// One relationship of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RelationshipSchema {
    /// The wire name (`market`, `line_items`).
    pub name: &'static str,
    /// To-many (`cardinality: many`) rather than to-one.
    pub to_many: bool,
    /// The related types: one, or several for a polymorphic relationship.
    pub targets: &'static [&'static str],
    /// Must be linked on create.
    pub required: bool,
    /// May be linked on create.
    pub creatable: bool,
    /// May be relinked (or, to-one, cleared) by an update.
    pub updatable: bool,
    /// May be named in `include`.
    pub includable: bool,
    /// Usable in `filter[q]` predicates, as `{name}_id_{predicate}`.
    pub filterable: bool,
    /// Has its own endpoint, `GET /{type}/{id}/{name}`.
    pub fetchable: bool,
}

impl RelationshipSchema {
    const fn new(name: &'static str, to_many: bool, targets: &'static [&'static str]) -> Self {
        Self {
            name,
            to_many,
            targets,
            required: false,
            creatable: false,
            updatable: false,
            includable: false,
            filterable: false,
            fetchable: true,
        }
    }

    /// A to-one relationship to one of `targets`, fetchable, with no other flag.
    pub const fn to_one(name: &'static str, targets: &'static [&'static str]) -> Self {
        Self::new(name, false, targets)
    }

    /// A to-many relationship to `targets`, fetchable, with no other flag.
    pub const fn to_many(name: &'static str, targets: &'static [&'static str]) -> Self {
        Self::new(name, true, targets)
    }

    /// Must be linked on create (and so may be).
    pub const fn required(mut self) -> Self {
        self.required = true;
        self.creatable = true;
        self
    }

    /// May be linked on create.
    pub const fn creatable(mut self) -> Self {
        self.creatable = true;
        self
    }

    /// May be relinked by an update.
    pub const fn updatable(mut self) -> Self {
        self.updatable = true;
        self
    }

    /// May be included.
    pub const fn includable(mut self) -> Self {
        self.includable = true;
        self
    }

    /// Usable in filters.
    pub const fn filterable(mut self) -> Self {
        self.filterable = true;
        self
    }

    /// Without an endpoint of its own.
    pub const fn not_fetchable(mut self) -> Self {
        self.fetchable = false;
        self
    }
}

/// One resource: its names, actions, attributes and relationships.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ResourceSchema {
    /// The JSON:API type, plural, as in URLs (`customer_groups`).
    pub type_name: &'static str,
    /// The singular name (`customer_group`); a singleton's path (`GET /organization`).
    pub singular: &'static str,
    /// Retrieved without an id, at `/{singular}`.
    pub singleton: bool,
    /// The operations the API supports on it.
    pub actions: &'static [Action],
    /// Its attributes, `id` excepted (every resource has one, filterable and sortable).
    pub attributes: &'static [AttributeSchema],
    /// Its relationships.
    pub relationships: &'static [RelationshipSchema],
}

impl ResourceSchema {
    /// A resource with no action, attribute or relationship yet.
    pub const fn new(type_name: &'static str, singular: &'static str) -> Self {
        Self {
            type_name,
            singular,
            singleton: false,
            actions: &[],
            attributes: &[],
            relationships: &[],
        }
    }

    /// Retrieved without an id.
    pub const fn singleton(mut self) -> Self {
        self.singleton = true;
        self
    }

    /// The operations it supports.
    pub const fn actions(mut self, actions: &'static [Action]) -> Self {
        self.actions = actions;
        self
    }

    /// Its attributes.
    pub const fn attributes(mut self, attributes: &'static [AttributeSchema]) -> Self {
        self.attributes = attributes;
        self
    }

    /// Its relationships.
    pub const fn relationships(mut self, relationships: &'static [RelationshipSchema]) -> Self {
        self.relationships = relationships;
        self
    }

    /// The attribute with this wire name.
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSchema> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The relationship with this wire name.
    pub fn relationship(&self, name: &str) -> Option<&'static RelationshipSchema> {
        self.relationships.iter().find(|r| r.name == name)
    }

    /// Whether it supports `action`.
    pub fn supports(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}
