//! The validated model: what the templates render. Plain data, built by
//! [`crate::lower::lower`], sorted so that output never depends on file system order.
//!
//! Every name the generated code uses is decided here, once, with both its wire form and
//! its Rust form.

use serde::Serialize;

/// Every resource, sorted by type name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    /// The resources, sorted by `type_name`.
    pub resources: Vec<Resource>,
}

impl Model {
    /// The resource with this JSON:API type, if it has a spec.
    pub fn resource(&self, type_name: &str) -> Option<&Resource> {
        self.resources
            .binary_search_by(|r| r.type_name.as_str().cmp(type_name))
            .ok()
            .map(|i| &self.resources[i])
    }
}

/// One resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// The JSON:API type and URL segment (`customer_groups`).
    pub type_name: String,
    /// The singular wire name (`customer_group`).
    pub singular: String,
    /// The spec file it came from, as the loader was given it (`cargo xtask codegen` gives
    /// paths relative to the workspace root: `spec/customer_groups.yaml`).
    pub source: String,
    /// The module identifier (`customer_groups`, `r#match`).
    pub module: String,
    /// The generated file's name (`customer_groups.rs`).
    pub file_name: String,
    /// The resource struct (`CustomerGroup`).
    pub struct_name: String,
    /// The endpoints handle (`CustomerGroups`), returned by `Client::{accessor}()`.
    pub api_name: String,
    /// The `Client` method returning the handle (`customer_groups`).
    pub accessor: String,
    /// Prose from the spec.
    pub description: String,
    /// Retrieved without an id.
    pub singleton: bool,
    /// Deprecated by the API.
    pub deprecated: bool,
    /// The supported operations.
    pub actions: Actions,
    /// Attributes in spec order.
    pub attributes: Vec<Attribute>,
    /// Relationships in spec order.
    pub relationships: Vec<Relationship>,
}

/// The operations a resource supports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Actions {
    /// `GET /{type}`
    pub list: bool,
    /// `GET /{type}/{id}` (or `GET /{type}` for a singleton)
    pub retrieve: bool,
    /// `POST /{type}`
    pub create: bool,
    /// `PATCH /{type}/{id}`
    pub update: bool,
    /// `DELETE /{type}/{id}`
    pub delete: bool,
}

/// One attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// The wire name (`reference_origin`, `_place`, `type`).
    pub name: String,
    /// The field identifier: the wire name, escaped (`reference_origin`, `_place`, `r#type`).
    pub ident: String,
    /// The builder and endpoint method identifier: the wire name without leading underscores
    /// (`place` for `_place`), unless that is another name of the resource (then as `ident`).
    pub method: String,
    /// The variant naming it in the sort and filter enums (`ReferenceOrigin`).
    pub variant: String,
    /// The value's type.
    pub ty: AttrType,
    /// Prose from the spec.
    pub description: String,
    /// An example value, as JSON.
    pub example: Option<serde_json::Value>,
    /// Must be given on create.
    pub required: bool,
    /// May be given on create.
    pub creatable: bool,
    /// May be changed by update.
    pub updatable: bool,
    /// May be `null`; may be cleared by update.
    pub nullable: bool,
    /// Usable in `filter[q]`.
    pub filterable: bool,
    /// Usable in `sort`.
    pub sortable: bool,
    /// Present in responses.
    pub fetchable: bool,
    /// A write-only trigger (`_place`).
    pub trigger: bool,
    /// A secret (a password, an API key): a `Secret`, which `Debug` does not show.
    pub confidential: bool,
    /// Deprecated by the API.
    pub deprecated: bool,
}

/// The type of an attribute's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AttrType {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Float,
    /// `bool`
    Boolean,
    /// `DateTime<Utc>`
    DateTime,
    /// `Map<String, Value>`
    Object,
    /// `Vec<T>`
    Array(Box<AttrType>),
    /// A generated enum of strings that also keeps values it does not know.
    Enum(EnumType),
    /// `Value`: any JSON.
    Json,
}

/// A generated string enum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumType {
    /// The enum's identifier (`OrderStatus`).
    pub name: String,
    /// The known values, in spec order.
    pub values: Vec<EnumValue>,
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumValue {
    /// As on the wire (`in_progress`).
    pub wire: String,
    /// The variant (`InProgress`).
    pub variant: String,
}

/// One relationship.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relationship {
    /// The wire name (`customers`).
    pub name: String,
    /// The field identifier: the wire name, escaped.
    pub ident: String,
    /// The builder and endpoint method identifier, named like [`Attribute::method`].
    pub method: String,
    /// The variant naming it in the include enum (`Customers`).
    pub variant: String,
    /// To one or to many.
    pub cardinality: Cardinality,
    /// The possible related types: one, or several when polymorphic.
    pub targets: Vec<Target>,
    /// Prose from the spec.
    pub description: String,
    /// May be linked on create.
    pub creatable: bool,
    /// May be relinked (or cleared) on update.
    pub updatable: bool,
    /// Must be linked on create.
    pub required: bool,
    /// May be named in `include`.
    pub includable: bool,
    /// Usable in `filter[q]`.
    pub filterable: bool,
    /// Has its own endpoint.
    pub fetchable: bool,
    /// Deprecated by the API.
    pub deprecated: bool,
    /// For a polymorphic relationship, the enum of its possible targets (`LineItemItem`).
    pub enum_name: Option<String>,
}

impl Relationship {
    /// More than one possible target type.
    pub fn polymorphic(&self) -> bool {
        self.targets.len() > 1
    }
}

/// To one or to many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cardinality {
    /// Has one or belongs to.
    One,
    /// Has many.
    Many,
}

/// A possible related type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The JSON:API type (`customers`).
    pub type_name: String,
    /// The generated resource, when `spec/` has one for this type.
    pub resource: Option<TargetResource>,
}

/// Where a related resource with a spec is generated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetResource {
    /// Its module (`customers`).
    pub module: String,
    /// Its struct (`Customer`).
    pub struct_name: String,
}
