//! Model -> Rust source text, through the askama templates in `templates/`.
//!
//! Templates only loop and branch over the model's lists ([`crate::model::Members`]); what
//! exists was decided when lowering. Every type spelling and literal comes from the methods
//! below, every doc line from [`crate::docs`], and every piece of spec text reaches the
//! output through the escaping functions of [`crate::naming`] and into a string literal or
//! a doc attribute, so none can become code.

use askama::Template;

use crate::docs::Docs;
use crate::error::{Error, Result};
use crate::model::{
    AttrType, Attribute, Body, BodyAttribute, BodyRelationship, Cardinality, EnumType, EnumValue,
    Member, Model, NameEnum, NameKind, Origin, Relationship, Resource, Target, TargetEnum,
    TargetResource,
};
use crate::naming::string_literal;

/// How to render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Gate each resource module behind a cargo feature named after its type, and each
    /// reference to another resource behind that resource's feature.
    pub feature_gates: bool,
}

/// One resource's module: `generated/src/resources/{type}.rs`.
#[derive(Template)]
#[template(path = "resource.rs", escape = "none")]
pub struct ResourceTemplate<'a> {
    /// The resource to render.
    pub r: &'a Resource,
    /// Whether references to other resources are gated by their features.
    pub gates: bool,
}

/// The module that declares every resource module: `generated/src/resources/mod.rs`.
#[derive(Template)]
#[template(path = "resources_mod.rs", escape = "none")]
pub struct ModTemplate<'a> {
    /// Every resource.
    pub model: &'a Model,
    /// Whether each module is gated by its feature.
    pub gates: bool,
}

/// Renders one resource's module, unformatted.
pub fn render_resource(resource: &Resource, options: &Options) -> Result<String> {
    ResourceTemplate {
        r: resource,
        gates: options.feature_gates,
    }
    .render()
    .map_err(|e| template_error(&resource.file_name, &e))
}

/// Renders the module that declares every resource module, unformatted.
pub fn render_mod(model: &Model, options: &Options) -> Result<String> {
    ModTemplate {
        model,
        gates: options.feature_gates,
    }
    .render()
    .map_err(|e| template_error("mod.rs", &e))
}

/// The `[features]` entries of the client crate: one per resource, and `all`.
pub fn features_toml(model: &Model) -> String {
    let mut out = String::from("# Every resource.\nall = [\n");
    for resource in &model.resources {
        out.push_str(&format!("    {},\n", string_literal(&resource.type_name)));
    }
    out.push_str("]\n");
    for resource in &model.resources {
        out.push_str(&format!("{} = []\n", resource.type_name));
    }
    out
}

/// `#[cfg(feature = "{type_name}")]` when gating, else nothing.
pub fn cfg(gates: bool, type_name: &str) -> String {
    if gates {
        format!("#[cfg(feature = {})]", string_literal(type_name))
    } else {
        String::new()
    }
}

pub(crate) fn template_error(what: &str, error: &askama::Error) -> Error {
    Error::Render {
        what: what.to_string(),
        message: format!("template failed: {error}"),
    }
}

/// A variant of a polymorphic relationship's enum, as the module spells it.
pub struct TargetVariantView {
    /// The variant (`Sku`).
    pub variant: String,
    /// The target's type as a Rust string literal (`"skus"`).
    pub literal: String,
    /// The target's struct, by path.
    pub path: String,
    /// The feature gate, when gating.
    pub cfg: String,
    /// Its doc attributes.
    pub docs: Docs,
}

/// A relationship's endpoint, `GET /{type}/{id}/{relationship}`, as the module spells it.
pub struct Fetcher<'a> {
    /// The method.
    pub method: &'a Member,
    /// The relationship.
    pub rel: &'a Relationship,
    /// `ListCall` or `ItemCall`.
    pub call: &'static str,
    /// The resource type it answers (a generated struct, or `GenericResource`; in an `Option`
    /// for a to-one relationship).
    pub target: String,
    /// `Some("customers")` when the related type is known, as Rust source.
    pub type_name: String,
    /// The feature gate of the related type, when gating.
    pub cfg: String,
    /// Its doc attributes.
    pub docs: Docs,
}

/// The views the templates loop over: each pairs a member of the model's lists with the
/// spec item it comes from. They follow the lists; none adds or drops a member.
impl Resource {
    fn attribute_of(&self, member: &Member) -> Option<&Attribute> {
        match member.origin {
            Origin::Attribute(i) => self.attributes.get(i),
            _ => None,
        }
    }

    fn relationship_of(&self, member: &Member) -> Option<&Relationship> {
        match member.origin {
            Origin::Relationship(i) => self.relationships.get(i),
            _ => None,
        }
    }

    /// The fields of the attributes struct, with their attributes.
    pub fn attribute_fields(&self) -> Vec<(&Member, &Attribute)> {
        let fields = self.members.attribute_fields.iter();
        fields
            .filter_map(|f| Some((f, self.attribute_of(f)?)))
            .collect()
    }

    /// The fields of the relationships struct, with their relationships.
    pub fn relationship_fields(&self) -> Vec<(&Member, &Relationship)> {
        let fields = self.members.relationship_fields.iter();
        fields
            .filter_map(|f| Some((f, self.relationship_of(f)?)))
            .collect()
    }

    /// The value enums, with their attributes.
    pub fn value_enums(&self) -> Vec<(&Attribute, &EnumType)> {
        let enums = self.members.value_enums.iter();
        enums
            .filter_map(|e| {
                let attribute = self.attribute_of(e)?;
                Some((attribute, attribute.enum_type()?))
            })
            .collect()
    }

    /// A body's attributes, each with its attribute.
    pub fn body_attributes<'a>(
        &'a self,
        body: &'a Body,
    ) -> Vec<(&'a BodyAttribute, &'a Attribute)> {
        let attributes = body.attributes.iter();
        attributes
            .filter_map(|b| Some((b, self.attributes.get(b.attribute)?)))
            .collect()
    }

    /// A body's relationships, each with its relationship.
    pub fn body_relationships<'a>(
        &'a self,
        body: &'a Body,
    ) -> Vec<(&'a BodyRelationship, &'a Relationship)> {
        let relationships = body.relationships.iter();
        relationships
            .filter_map(|b| Some((b, self.relationships.get(b.relationship)?)))
            .collect()
    }

    /// The trigger endpoints, with their attributes.
    pub fn trigger_endpoints(&self) -> Vec<(&Member, &Attribute)> {
        let triggers = self.members.endpoints.triggers.iter();
        triggers
            .filter_map(|t| Some((t, self.attribute_of(t)?)))
            .collect()
    }

    /// The relationship endpoints.
    pub fn fetchers(&self, gates: bool) -> Vec<Fetcher<'_>> {
        let related = self.members.endpoints.related.iter();
        related
            .filter_map(|method| Some(self.fetcher(method, self.relationship_of(method)?, gates)))
            .collect()
    }

    fn fetcher<'a>(
        &'a self,
        method: &'a Member,
        rel: &'a Relationship,
        gates: bool,
    ) -> Fetcher<'a> {
        let known = match rel.targets.as_slice() {
            [only] => self.reference(only, gates).map(|r| (only, r)),
            _ => None,
        };
        let (target, type_name, gate) = match (known, &rel.enum_name) {
            (Some((only, (path, cfg))), _) => {
                let known_type = format!("Some({})", string_literal(&only.type_name));
                (path, known_type, cfg)
            }
            (None, Some(enum_name)) => (enum_name.clone(), "None".to_string(), String::new()),
            (None, None) => (
                "GenericResource".to_string(),
                rel.targets.first().map_or_else(
                    || "None".to_string(),
                    |t| format!("Some({})", string_literal(&t.type_name)),
                ),
                String::new(),
            ),
        };
        let (call, target) = match rel.cardinality {
            // A to-one relationship may be empty: `{"data": null}`.
            Cardinality::One => ("ItemCall", format!("Option<{target}>")),
            Cardinality::Many => ("ListCall", target),
        };
        let feature = (!gate.is_empty()).then(|| rel.targets[0].type_name.as_str());
        Fetcher {
            method,
            rel,
            call,
            target,
            type_name,
            docs: self.fetcher_docs(rel, feature),
            cfg: gate,
        }
    }

    /// How this resource's module names a related resource that has a spec, and the feature
    /// gate that reference needs (none inside the module itself).
    fn reference(&self, target: &Target, gates: bool) -> Option<(String, String)> {
        let resource = target.resource.as_ref()?;
        Some(self.reference_to(resource, &target.type_name, gates))
    }

    fn reference_to(&self, t: &TargetResource, type_name: &str, gates: bool) -> (String, String) {
        if t.module == self.module {
            (t.struct_name.clone(), String::new())
        } else {
            (
                format!("super::{}::{}", t.module, t.struct_name),
                cfg(gates, type_name),
            )
        }
    }

    /// A polymorphic relationship's enum's variants, as the module spells them.
    pub fn target_variants(&self, e: &TargetEnum, gates: bool) -> Vec<TargetVariantView> {
        e.variants
            .iter()
            .map(|v| {
                let (path, cfg) = self.reference_to(&v.resource, &v.type_name, gates);
                TargetVariantView {
                    variant: v.variant.clone(),
                    literal: string_literal(&v.type_name),
                    path,
                    cfg,
                    docs: Relationship::target_docs(&v.type_name),
                }
            })
            .collect()
    }

    /// The relationship a polymorphic enum is for.
    pub fn target_relationship(&self, e: &TargetEnum) -> Option<&Relationship> {
        self.relationship_of(&e.name)
    }

    /// `"customer_groups"`
    pub fn type_literal(&self) -> String {
        string_literal(&self.type_name)
    }

    /// `"organization"`: a singleton's path.
    pub fn singular_literal(&self) -> String {
        string_literal(&self.singular)
    }
}

impl Body {
    /// The constructor's parameters' list, spelled: `name: impl Into<String>, market:
    /// impl Into<String>`.
    pub fn param_list(&self, r: &Resource) -> String {
        let attributes = r.body_attributes(self).into_iter().filter_map(|(b, a)| {
            let param = b.param.as_ref()?;
            Some(format!("{}: {}", param.rust, a.param_type()))
        });
        let relationships = r
            .body_relationships(self)
            .into_iter()
            .filter_map(|(b, rel)| {
                let param = b.param.as_ref()?;
                Some(format!("{}: {}", param.rust, rel.link_param_type()))
            });
        attributes
            .chain(relationships)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl NameEnum {
    /// Whether it names filterable attributes (and so gets the predicates).
    pub fn is_filter(&self) -> bool {
        self.kind == NameKind::Filter
    }

    /// The associated type of `Resource` it is (`Sort`).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            NameKind::Sort => "Sort",
            NameKind::Filter => "Filter",
            NameKind::Include => "Include",
            NameKind::Field => "Field",
        }
    }
}

impl Member {
    /// The spec name as a Rust string literal.
    pub fn literal(&self) -> String {
        string_literal(&self.spec)
    }
}

impl BodyAttribute {
    /// The field's type: the value when the constructor takes it, a `Patch` when a builder
    /// method can clear it, else an `Option`.
    pub fn field_type(&self, attribute: &Attribute) -> String {
        let value = attribute.body_value_type();
        if self.param.is_some() {
            value
        } else if self.clear.is_some() {
            format!("Patch<{value}>")
        } else {
            format!("Option<{value}>")
        }
    }

    /// When serde leaves the field out, as a Rust string literal: never, when the
    /// constructor takes it; when unchanged, for a `Patch`; when `None`, else.
    pub fn skip(&self) -> &'static str {
        if self.param.is_some() {
            ""
        } else if self.clear.is_some() {
            "\"Patch::is_unchanged\""
        } else {
            "\"Option::is_none\""
        }
    }

    /// What the setter wraps the value in: `Patch::Set` where the field is a `Patch`, else
    /// `Some`.
    pub fn wrap(&self) -> &'static str {
        if self.clear.is_some() {
            "Patch::Set"
        } else {
            "Some"
        }
    }

    /// How the constructor sets a required attribute from its parameter (`name:
    /// name.into()`, or the shorthand `count` when nothing converts it), or leaves an
    /// optional one out (`code: None`).
    pub fn init(&self, attribute: &Attribute) -> String {
        let field = &self.field.rust;
        match &self.param {
            None => format!("{field}: None"),
            Some(param) => {
                let conversion = attribute.param_conversion();
                if conversion.is_empty() && *field == param.rust {
                    field.clone()
                } else {
                    format!("{field}: {}{conversion}", param.rust)
                }
            }
        }
    }
}

impl Attribute {
    /// The value's Rust type in a response (`String`, `DateTime<Utc>`, `Vec<String>`,
    /// `OrderStatus`).
    pub fn value_type(&self) -> String {
        if self.confidential {
            "Secret".to_string()
        } else {
            rust_type(&self.ty)
        }
    }

    /// The value's Rust type in a body: as in a response, but an object is kept as the JSON
    /// value it was given (see `IntoObject`).
    pub fn body_value_type(&self) -> String {
        match self.ty {
            AttrType::Object => "Value".to_string(),
            _ => self.value_type(),
        }
    }

    /// The response field's type: always an `Option`, because sparse fieldsets
    /// (`fields[type]`) may leave any attribute out.
    pub fn response_type(&self) -> String {
        format!("Option<{}>", self.value_type())
    }

    /// A builder method's parameter type: `impl Into<String>` for strings, `impl
    /// IntoObject` for objects (a `Map`, or the `Value` of `json!({...})`).
    pub fn param_type(&self) -> String {
        match self.ty {
            AttrType::String if self.confidential => "impl Into<Secret>".to_string(),
            AttrType::String => "impl Into<String>".to_string(),
            AttrType::Object => "impl IntoObject".to_string(),
            _ => self.value_type(),
        }
    }

    /// What turns the parameter into the value (`.into()` for strings).
    pub fn param_conversion(&self) -> &'static str {
        match self.ty {
            AttrType::String => ".into()",
            AttrType::Object => ".into_object()",
            _ => "",
        }
    }

    /// `#[serde(rename = "...")]` when the field's name is not the wire name (raw
    /// identifiers need none: serde strips `r#`).
    pub fn serde_rename(&self) -> String {
        rename(&self.ident, &self.name)
    }
}

impl Relationship {
    /// A builder method's parameter type for linking it.
    pub fn link_param_type(&self) -> &'static str {
        match (self.cardinality, self.polymorphic()) {
            (Cardinality::One, false) => "impl Into<String>",
            (Cardinality::One, true) => "ResourceIdentifier",
            (Cardinality::Many, false) => "impl IntoIterator<Item = impl Into<String>>",
            (Cardinality::Many, true) => "impl IntoIterator<Item = ResourceIdentifier>",
        }
    }

    /// The expression turning the parameter `param` into a `Linkage`.
    pub fn link_expr(&self, param: &str) -> String {
        let type_literal = self
            .targets
            .first()
            .map(|t| string_literal(&t.type_name))
            .unwrap_or_default();
        match (self.cardinality, self.polymorphic()) {
            (Cardinality::One, false) => format!("Linkage::to({type_literal}, {param})"),
            (Cardinality::One, true) => format!("Linkage::To({param})"),
            (Cardinality::Many, false) => format!("Linkage::to_many({type_literal}, {param})"),
            (Cardinality::Many, true) => {
                format!("Linkage::ToMany({param}.into_iter().collect())")
            }
        }
    }

    /// The wire name as a Rust string literal.
    pub fn literal(&self) -> String {
        string_literal(&self.name)
    }

    /// The response field's type.
    pub fn response_type(&self) -> &'static str {
        match self.cardinality {
            Cardinality::One => "Option<ToOne>",
            Cardinality::Many => "Option<ToMany>",
        }
    }

    /// `#[serde(rename = "...")]` when needed.
    pub fn serde_rename(&self) -> String {
        rename(&self.ident, &self.name)
    }
}

impl EnumValue {
    /// The wire value as a Rust string literal.
    pub fn literal(&self) -> String {
        string_literal(&self.wire)
    }
}

fn rename(ident: &str, name: &str) -> String {
    if ident.trim_start_matches("r#") == name {
        String::new()
    } else {
        format!("#[serde(rename = {})]", string_literal(name))
    }
}

fn rust_type(ty: &AttrType) -> String {
    match ty {
        AttrType::String => "String".to_string(),
        AttrType::Integer => "i64".to_string(),
        AttrType::Float => "f64".to_string(),
        AttrType::Boolean => "bool".to_string(),
        AttrType::DateTime => "DateTime<Utc>".to_string(),
        AttrType::Object => "Map<String, Value>".to_string(),
        AttrType::Array(item) => format!("Vec<{}>", rust_type(item)),
        AttrType::Enum(e) => e.name.clone(),
        AttrType::Json => "Value".to_string(),
    }
}
