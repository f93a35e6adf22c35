//! The validated model: what the templates render. Plain data, built by
//! [`crate::lower::lower`], sorted so that output never depends on file system order.
//!
//! Every name the generated code uses is decided here, once, with both its wire form and
//! its Rust form: the spec's items ([`Resource::attributes`], [`Resource::relationships`])
//! and, derived from them, every member the generated module defines ([`Members`]). The
//! templates, the conformance tests and the clash check only loop over those lists.

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
    /// Every member the generated module defines, derived from the above.
    pub members: Members,
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

impl Attribute {
    /// The enum of its values, for an enum attribute.
    pub fn enum_type(&self) -> Option<&EnumType> {
        match &self.ty {
            AttrType::Enum(e) => Some(e),
            _ => None,
        }
    }
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

/// A name the generated code defines: its Rust form, the spec name it comes from, and the
/// spec item that claims it. Serialized as `rust <- path` (`clear_code <- attributes.code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The Rust name (`clear_code`, `CreatedAt`, `r#type`, `OrderStatus`).
    pub rust: String,
    /// The spec name it comes from (`code`, `created_at`, `type`, `status`; `list` for an
    /// action, the resource type for the resource's own types).
    pub spec: String,
    /// The spec item it comes from.
    pub origin: Origin,
}

impl Member {
    /// The dotted path of the spec item that claims the name (`attributes.code`), where
    /// errors about it point.
    pub fn path(&self) -> String {
        match self.origin {
            Origin::Resource => "type".to_string(),
            Origin::Id => "id".to_string(),
            Origin::Action => format!("actions.{}", self.spec),
            Origin::Attribute(_) => format!("attributes.{}", self.spec),
            Origin::Relationship(_) => format!("relationships.{}", self.spec),
        }
    }
}

impl Serialize for Member {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{} <- {}", self.rust, self.path()))
    }
}

/// The spec item a [`Member`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Origin {
    /// The resource itself (its `type` and `singular`).
    Resource,
    /// The resource's id, which every resource has.
    Id,
    /// One of its `actions`.
    Action,
    /// The attribute at this index of [`Resource::attributes`].
    Attribute(usize),
    /// The relationship at this index of [`Resource::relationships`].
    Relationship(usize),
}

/// Everything a resource's generated module defines, derived once from its spec by
/// [`crate::lower()`]: the types, the endpoint methods, the fields, the builder methods and
/// the enum variants, each a [`Member`]. Whether something exists is decided here and
/// nowhere else.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Members {
    /// The methods of the endpoints handle (`CustomerGroups`).
    pub endpoints: Endpoints,
    /// The struct of the attributes a response carries (`CustomerGroupAttributes`).
    pub attributes_struct: String,
    /// Its fields: the fetchable attributes.
    pub attribute_fields: Vec<Member>,
    /// The struct of the relationships a response carries (`CustomerGroupRelationships`).
    pub relationships_struct: String,
    /// Its fields: every relationship.
    pub relationship_fields: Vec<Member>,
    /// The body of a create request, when the resource can be created.
    pub create: Option<Body>,
    /// The body of an update request, when the resource can be updated.
    pub update: Option<Body>,
    /// The string enums of the enum attributes (`OrderStatus <- attributes.status`); their
    /// variants are the attribute's [`EnumType::values`].
    pub value_enums: Vec<Member>,
    /// The enums naming what a query may use: sort, filter, include and field.
    pub name_enums: Vec<NameEnum>,
    /// The enums of the polymorphic relationships' possible targets.
    pub target_enums: Vec<TargetEnum>,
}

impl Members {
    /// Every type the module defines besides the resource struct and the handle (those are
    /// [`Resource::struct_name`] and [`Resource::api_name`]).
    pub fn types(&self) -> impl Iterator<Item = &str> {
        [&self.attributes_struct, &self.relationships_struct]
            .into_iter()
            .map(String::as_str)
            .chain(self.create.iter().map(|b| b.name.as_str()))
            .chain(self.update.iter().map(|b| b.name.as_str()))
            .chain(self.value_enums.iter().map(|e| e.rust.as_str()))
            .chain(self.name_enums.iter().map(|e| e.name.as_str()))
            .chain(self.target_enums.iter().map(|e| e.name.rust.as_str()))
    }
}

/// The methods of a resource's endpoints handle.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Endpoints {
    /// `GET /{type}`
    pub list: Option<Member>,
    /// `GET /{type}/{id}`, or `GET /{singular}` for a singleton
    pub retrieve: Option<Member>,
    /// `POST /{type}`
    pub create: Option<Member>,
    /// `PATCH /{type}/{id}`
    pub update: Option<Member>,
    /// `DELETE /{type}/{id}`
    pub delete: Option<Member>,
    /// One per trigger an update can fire: `PATCH /{type}/{id}` with `{"_place": true}`.
    pub triggers: Vec<Member>,
    /// One per relationship with its own endpoint: `GET /{type}/{id}/{relationship}`.
    pub related: Vec<Member>,
}

impl Endpoints {
    /// Every method, in the order the handle defines them.
    pub fn iter(&self) -> impl Iterator<Item = &Member> {
        [
            &self.list,
            &self.retrieve,
            &self.create,
            &self.update,
            &self.delete,
        ]
        .into_iter()
        .flatten()
        .chain(&self.triggers)
        .chain(&self.related)
    }
}

/// A create or update body: its fields, its constructor's parameters and its builder
/// methods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// The struct (`CustomerGroupCreate`).
    pub name: String,
    /// The attributes it can send, in spec order.
    pub attributes: Vec<BodyAttribute>,
    /// The relationships it can link, in spec order.
    pub relationships: Vec<BodyRelationship>,
    /// The field keeping the links (`relationships`), when it links any relationship.
    pub links: Option<Member>,
}

impl Body {
    /// Whether the constructor takes parameters (then the body has no `Default`).
    pub fn has_params(&self) -> bool {
        self.attributes.iter().any(|a| a.param.is_some())
            || self.relationships.iter().any(|r| r.param.is_some())
    }

    /// Whether the constructor links relationships.
    pub fn links_params(&self) -> bool {
        self.relationships.iter().any(|r| r.param.is_some())
    }

    /// The constructor's parameters, in order: attributes, then relationships.
    pub fn params(&self) -> impl Iterator<Item = &Member> {
        self.attributes
            .iter()
            .filter_map(|a| a.param.as_ref())
            .chain(self.relationships.iter().filter_map(|r| r.param.as_ref()))
    }

    /// The builder methods besides `new`, in the order the body defines them.
    pub fn methods(&self) -> impl Iterator<Item = &Member> {
        self.attributes
            .iter()
            .flat_map(|a| a.set.iter().chain(&a.clear))
            .chain(
                self.relationships
                    .iter()
                    .flat_map(|r| r.link.iter().chain(&r.unlink)),
            )
    }

    /// The fields, the links last.
    pub fn fields(&self) -> impl Iterator<Item = &Member> {
        self.attributes.iter().map(|a| &a.field).chain(&self.links)
    }
}

/// An attribute a body can send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyAttribute {
    /// Its index in [`Resource::attributes`].
    pub attribute: usize,
    /// The body's field holding it.
    pub field: Member,
    /// The constructor's parameter, when a create requires it.
    pub param: Option<Member>,
    /// The builder method setting it (or, for a trigger, sending `true`), unless the
    /// constructor takes it.
    pub set: Option<Member>,
    /// The builder method clearing it (sending `null`), when an update can.
    pub clear: Option<Member>,
}

/// A relationship a body can link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyRelationship {
    /// Its index in [`Resource::relationships`].
    pub relationship: usize,
    /// The constructor's parameter, when a create requires it.
    pub param: Option<Member>,
    /// The builder method linking it, unless the constructor takes it.
    pub link: Option<Member>,
    /// The builder method unlinking it (sending `null`), for an update of an optional
    /// to-one relationship.
    pub unlink: Option<Member>,
}

/// One of the enums naming what a query may use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameEnum {
    /// What it names.
    pub kind: NameKind,
    /// The enum (`CustomerGroupSort`).
    pub name: String,
    /// Its variants, possibly none.
    pub variants: Vec<Member>,
}

/// What a [`NameEnum`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NameKind {
    /// The id and the sortable attributes, for `sort`.
    Sort,
    /// The id and the filterable attributes, for `filter[q]`.
    Filter,
    /// The includable relationships, for `include`.
    Include,
    /// The fetchable attributes and every relationship, for `fields[type]`.
    Field,
}

/// The enum of a polymorphic relationship's possible targets (`LineItemItem`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetEnum {
    /// The enum, claimed by its relationship.
    pub name: Member,
    /// One variant per target type with a spec, named after its struct; the others are
    /// decoded into `Other`.
    pub variants: Vec<TargetVariant>,
}

/// A variant of a [`TargetEnum`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetVariant {
    /// The variant (`Sku`).
    pub variant: String,
    /// The target's JSON:API type (`skus`).
    pub type_name: String,
    /// Where the target's struct is generated.
    pub resource: TargetResource,
}
