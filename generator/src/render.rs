//! Model -> Rust source text, through the askama templates in `templates/`.
//!
//! Templates only loop and branch. Every type spelling, literal and doc line comes from the
//! methods below, and every piece of spec text reaches the output through
//! the escaping functions of [`crate::naming`] and into a string literal, so none can become
//! code.

use askama::Template;

use crate::error::{Error, Result};
use crate::model::{AttrType, Attribute, Cardinality, EnumType, Model, Relationship, Resource};
use crate::naming::{code_span, doc_attrs, escape_markdown, prose_docs, string_literal};

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

fn template_error(what: &str, error: &askama::Error) -> Error {
    Error::Render {
        what: what.to_string(),
        message: format!("template failed: {error}"),
    }
}

/// A variant of one of the name enums (sort, filter, include, field).
pub struct NameVariant {
    /// The variant.
    pub variant: String,
    /// The wire name, as a Rust string literal.
    pub literal: String,
    /// Its doc attributes.
    pub docs: Vec<String>,
}

/// One of the name enums of a resource: sort, filter, include, field.
pub struct NameEnum {
    /// The enum (`CustomerGroupSort`).
    pub name: String,
    /// Its doc attributes.
    pub docs: Vec<String>,
    /// Its variants, possibly none.
    pub variants: Vec<NameVariant>,
    /// Whether it names filterable attributes (and so gets the predicates).
    pub filter: bool,
}

/// The enum of a polymorphic relationship's possible targets.
pub struct PolyEnum<'a> {
    /// The relationship.
    pub rel: &'a Relationship,
    /// The enum (`LineItemItem`).
    pub name: String,
    /// Its doc attributes.
    pub docs: Vec<String>,
    /// One variant per target with a spec.
    pub variants: Vec<PolyVariant>,
}

/// A variant of a [`PolyEnum`].
pub struct PolyVariant {
    /// The variant, named after the target's struct (`Sku`).
    pub variant: String,
    /// The target's type as a Rust string literal (`"skus"`).
    pub literal: String,
    /// The target's struct, by path.
    pub path: String,
    /// The feature gate, when gating.
    pub cfg: String,
    /// Its doc attributes.
    pub docs: Vec<String>,
}

/// An endpoint that fires a trigger: `PATCH /{type}/{id}` with `{"_place": true}`.
pub struct TriggerMethod<'a> {
    /// The trigger attribute.
    pub attr: &'a Attribute,
    /// The wire name as a Rust string literal.
    pub literal: String,
    /// Its doc attributes.
    pub docs: Vec<String>,
}

/// An endpoint for a relationship: `GET /{type}/{id}/{relationship}`.
pub struct Fetcher<'a> {
    /// The relationship.
    pub rel: &'a Relationship,
    /// `ListCall` or `ItemCall`.
    pub call: &'static str,
    /// The resource type it answers (a generated struct, or `GenericResource`; in an `Option`
    /// for a to-one relationship).
    pub target: String,
    /// `Some("customers")` when the related type is known, as Rust source.
    pub type_name: String,
    /// The relationship's wire name as a Rust string literal.
    pub name_literal: String,
    /// The feature gate of the related type, when gating.
    pub cfg: String,
    /// Its doc attributes.
    pub docs: Vec<String>,
}

/// Doc attributes for a documented item: its description, else a fallback sentence.
fn docs_or(description: &str, fallback: &str) -> Vec<String> {
    if description.trim().is_empty() {
        doc_attrs(fallback)
    } else {
        prose_docs(description)
    }
}

/// Turns `#[doc = ...]` into `#![doc = ...]`, for a module's own documentation.
fn inner(attrs: Vec<String>) -> Vec<String> {
    attrs
        .into_iter()
        .map(|attr| attr.replacen("#[", "#![", 1))
        .collect()
}

impl Resource {
    /// `customer groups`
    pub fn plural_words(&self) -> String {
        self.type_name.trim_matches('_').replace('_', " ")
    }

    /// `customer group`
    pub fn singular_words(&self) -> String {
        self.singular.trim_matches('_').replace('_', " ")
    }

    /// `"customer_groups"`
    pub fn type_literal(&self) -> String {
        string_literal(&self.type_name)
    }

    /// `"organization"`: a singleton's path.
    pub fn singular_literal(&self) -> String {
        string_literal(&self.singular)
    }

    /// The module's own documentation.
    pub fn module_docs(&self) -> Vec<String> {
        let mut text = format!(
            "The `{}` resource: {}.",
            self.type_name,
            self.plural_words()
        );
        if !self.description.trim().is_empty() {
            text.push_str("\n\n");
            text.push_str(&escape_markdown(&self.description));
        }
        if self.deprecated {
            text.push_str("\n\nDeprecated by the API.");
        }
        inner(doc_attrs(&text))
    }

    /// The resource struct's documentation.
    pub fn docs(&self) -> Vec<String> {
        let fallback = format!("A {}, as the API returns it.", self.singular_words());
        docs_or(&self.description, &fallback)
    }

    /// Attributes present in responses.
    pub fn fetchable_attributes(&self) -> Vec<&Attribute> {
        self.attributes.iter().filter(|a| a.fetchable).collect()
    }

    /// Attributes a create must give: the constructor's arguments.
    pub fn required_attributes(&self) -> Vec<&Attribute> {
        self.attributes
            .iter()
            .filter(|a| a.creatable && a.required)
            .collect()
    }

    /// Attributes a create may give.
    pub fn creatable_attributes(&self) -> Vec<&Attribute> {
        self.attributes.iter().filter(|a| a.creatable).collect()
    }

    /// Attributes an update may change.
    pub fn updatable_attributes(&self) -> Vec<&Attribute> {
        self.attributes.iter().filter(|a| a.updatable).collect()
    }

    /// The generated string enums, one per enum attribute.
    pub fn enums(&self) -> Vec<(&Attribute, &EnumType)> {
        self.attributes
            .iter()
            .filter_map(|a| match &a.ty {
                AttrType::Enum(e) => Some((a, e)),
                _ => None,
            })
            .collect()
    }

    fn id_variant() -> NameVariant {
        NameVariant {
            variant: "Id".to_string(),
            literal: string_literal("id"),
            docs: doc_attrs("The resource's id."),
        }
    }

    fn attribute_variants(&self, keep: impl Fn(&Attribute) -> bool) -> Vec<NameVariant> {
        self.attributes
            .iter()
            .filter(|a| keep(a))
            .map(|a| NameVariant {
                variant: a.variant.clone(),
                literal: string_literal(&a.name),
                docs: doc_attrs(&format!("`{}`", a.name)),
            })
            .collect()
    }

    fn relationship_variants(&self, keep: impl Fn(&Relationship) -> bool) -> Vec<NameVariant> {
        self.relationships
            .iter()
            .filter(|r| keep(r))
            .map(|r| NameVariant {
                variant: r.variant.clone(),
                literal: string_literal(&r.name),
                docs: doc_attrs(&format!("`{}`", r.name)),
            })
            .collect()
    }

    /// The enums naming what queries may use: sortable attributes (with the id), filterable
    /// attributes (with the id), includable relationships, and fields for sparse fieldsets.
    pub fn name_enums(&self) -> Vec<NameEnum> {
        let s = &self.struct_name;
        let mut sort = vec![Self::id_variant()];
        sort.extend(self.attribute_variants(|a| a.sortable));
        let mut filter = vec![Self::id_variant()];
        filter.extend(self.attribute_variants(|a| a.filterable));
        let mut fields = self.attribute_variants(|a| a.fetchable);
        fields.extend(self.relationship_variants(|_| true));
        let name_enum = |suffix: &str, doc: String, variants, filter| NameEnum {
            name: format!("{s}{suffix}"),
            docs: doc_attrs(&doc),
            variants,
            filter,
        };
        vec![
            name_enum(
                "Sort",
                format!("The attributes a list of [`{s}`] can be sorted by."),
                sort,
                false,
            ),
            name_enum(
                "Filter",
                format!(
                    "The attributes a list of [`{s}`] can be filtered on, with the predicates \
                     of [`FilterField`](crate::query::FilterField)."
                ),
                filter,
                true,
            ),
            name_enum(
                "Include",
                format!("The relationships of a [`{s}`] a response can include."),
                self.relationship_variants(|r| r.includable),
                false,
            ),
            name_enum(
                "Field",
                format!("The fields of a [`{s}`] a sparse fieldset can ask for."),
                fields,
                false,
            ),
        ]
    }

    /// The relationship endpoints.
    pub fn fetchers(&self, gates: bool) -> Vec<Fetcher<'_>> {
        if self.singleton {
            return Vec::new();
        }
        self.relationships
            .iter()
            .filter(|r| r.fetchable)
            .map(|rel| {
                let known = match rel.targets.as_slice() {
                    [only] => self.reference(only, gates).map(|r| (only, r)),
                    _ => None,
                };
                let mut gate = String::new();
                let (target, type_name) = match (known, &rel.enum_name) {
                    (Some((only, (path, cfg))), _) => {
                        gate = cfg;
                        (path, format!("Some({})", string_literal(&only.type_name)))
                    }
                    (None, Some(enum_name)) => (enum_name.clone(), "None".to_string()),
                    (None, None) => (
                        "GenericResource".to_string(),
                        rel.targets
                            .first()
                            .map(|t| format!("Some({})", string_literal(&t.type_name)))
                            .unwrap_or_else(|| "None".to_string()),
                    ),
                };
                let path = format!("{}/{{id}}/{}", self.type_name, rel.name);
                let what = if rel.description.trim().is_empty() {
                    format!("The `{}` related to a {}.", rel.name, self.singular_words())
                } else {
                    escape_markdown(&rel.description)
                };
                let (call, target) = match rel.cardinality {
                    // A to-one relationship may be empty: `{"data": null}`.
                    Cardinality::One => ("ItemCall", format!("Option<{target}>")),
                    Cardinality::Many => ("ListCall", target),
                };
                Fetcher {
                    rel,
                    name_literal: string_literal(&rel.name),
                    call,
                    target,
                    type_name,
                    docs: doc_attrs(&if gate.is_empty() {
                        format!("{what}\n\n`GET /{path}`")
                    } else {
                        format!(
                            "{what}\n\n`GET /{path}`\n\nWith the `{}` feature.",
                            rel.targets[0].type_name
                        )
                    }),
                    cfg: gate,
                }
            })
            .collect()
    }
}

impl Resource {
    /// Whether a create must be given something: then `new` takes it, and there is no
    /// `Default`.
    pub fn create_has_requirements(&self) -> bool {
        !self.required_attributes().is_empty() || !self.required_relationships().is_empty()
    }

    /// Relationships a create may link.
    pub fn creatable_relationships(&self) -> Vec<&Relationship> {
        self.relationships.iter().filter(|r| r.creatable).collect()
    }

    /// Relationships a create must link: the constructor's arguments, after the attributes.
    pub fn required_relationships(&self) -> Vec<&Relationship> {
        self.relationships
            .iter()
            .filter(|r| r.creatable && r.required)
            .collect()
    }

    /// Relationships an update may relink.
    pub fn updatable_relationships(&self) -> Vec<&Relationship> {
        self.relationships.iter().filter(|r| r.updatable).collect()
    }

    /// The triggers an update may fire, each with its own endpoint method.
    pub fn trigger_methods(&self) -> Vec<TriggerMethod<'_>> {
        if !self.actions.update || self.singleton {
            return Vec::new();
        }
        self.attributes
            .iter()
            .filter(|a| a.trigger && a.updatable)
            .map(|attr| {
                let what = if attr.description.trim().is_empty() {
                    format!("Fires the `{}` trigger.", attr.name)
                } else {
                    escape_markdown(&attr.description)
                };
                TriggerMethod {
                    attr,
                    literal: string_literal(&attr.name),
                    docs: doc_attrs(&format!(
                        "{what}\n\n`PATCH /{}/{{id}}` with `\"{}\": true`.",
                        self.type_name, attr.name
                    )),
                }
            })
            .collect()
    }

    /// How this resource's module names a related resource that has a spec, and the feature
    /// gate that reference needs (none inside the module itself).
    fn reference(&self, target: &crate::model::Target, gates: bool) -> Option<(String, String)> {
        let t = target.resource.as_ref()?;
        Some(if t.module == self.module {
            (t.struct_name.clone(), String::new())
        } else {
            (
                format!("super::{}::{}", t.module, t.struct_name),
                cfg(gates, &target.type_name),
            )
        })
    }

    /// The enums of the polymorphic relationships.
    pub fn poly_enums(&self, gates: bool) -> Vec<PolyEnum<'_>> {
        self.relationships
            .iter()
            .filter_map(|rel| {
                let name = rel.enum_name.clone()?;
                let variants = rel
                    .targets
                    .iter()
                    .filter_map(|target| {
                        let t = target.resource.as_ref()?;
                        let (path, gate) = self.reference(target, gates)?;
                        Some(PolyVariant {
                            variant: t.struct_name.clone(),
                            literal: string_literal(&target.type_name),
                            path,
                            docs: doc_attrs(&format!("`{}`", target.type_name)),
                            cfg: gate,
                        })
                    })
                    .collect();
                let types = rel.type_list();
                let gate_note = if gates {
                    " A variant is there when its type's feature is on; others arrive as `Other`."
                } else {
                    ""
                };
                Some(PolyEnum {
                    rel,
                    docs: doc_attrs(&format!(
                        "What the `{}` of a [`{}`] can be: {types}.{gate_note}",
                        rel.name, self.struct_name
                    )),
                    name,
                    variants,
                })
            })
            .collect()
    }
}

impl Attribute {
    /// How the constructor sets a required attribute from its parameter: `name: name.into()`,
    /// or the shorthand `count` when nothing converts it.
    pub fn required_init(&self) -> String {
        let conversion = self.param_conversion();
        if conversion.is_empty() && self.ident == self.method {
            self.ident.clone()
        } else {
            format!("{}: {}{conversion}", self.ident, self.method)
        }
    }

    /// The name of the method that clears it in an update (`clear_code`).
    pub fn clear_method(&self) -> String {
        crate::lower::clear_method(&self.method)
    }

    /// The field's documentation: the description, its example, and what the API allows.
    pub fn docs(&self) -> Vec<String> {
        let mut text = if self.description.trim().is_empty() {
            format!("`{}`", self.name)
        } else {
            escape_markdown(&self.description)
        };
        if let Some(example) = &self.example {
            text.push_str("\n\nExample: ");
            text.push_str(&code_span(&example.to_string()));
        }
        if self.deprecated {
            text.push_str("\n\nDeprecated by the API.");
        }
        doc_attrs(&text)
    }

    /// The value's Rust type (`String`, `DateTime<Utc>`, `Vec<String>`, `OrderStatus`).
    pub fn value_type(&self) -> String {
        if self.confidential {
            "Secret".to_string()
        } else {
            rust_type(&self.ty)
        }
    }

    /// The response field's type: always an `Option`, because sparse fieldsets
    /// (`fields[type]`) may leave any attribute out.
    pub fn response_type(&self) -> String {
        format!("Option<{}>", self.value_type())
    }

    /// The create body's field type: the value for a required attribute, else an `Option`.
    pub fn create_type(&self) -> String {
        if self.required {
            self.value_type()
        } else {
            format!("Option<{}>", self.value_type())
        }
    }

    /// The update body's field type: `Patch` where the attribute can be cleared, else an
    /// `Option`.
    pub fn update_type(&self) -> String {
        if self.nullable {
            format!("Patch<{}>", self.value_type())
        } else {
            format!("Option<{}>", self.value_type())
        }
    }

    /// A builder method's parameter type: `impl Into<String>` for strings.
    pub fn param_type(&self) -> String {
        match self.ty {
            AttrType::String if self.confidential => "impl Into<Secret>".to_string(),
            AttrType::String => "impl Into<String>".to_string(),
            _ => self.value_type(),
        }
    }

    /// What turns the parameter into the value (`.into()` for strings).
    pub fn param_conversion(&self) -> &'static str {
        match self.ty {
            AttrType::String => ".into()",
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
    /// The name of the method that unlinks it in an update (`clear_customer`).
    pub fn clear_method(&self) -> String {
        crate::lower::clear_method(&self.method)
    }

    /// A builder method's parameter type for linking it.
    pub fn link_param_type(&self) -> &'static str {
        match (self.cardinality, self.polymorphic()) {
            (Cardinality::One, false) => "impl Into<String>",
            (Cardinality::One, true) => "ResourceIdentifier",
            (Cardinality::Many, false) => "impl IntoIterator<Item = impl Into<String>>",
            (Cardinality::Many, true) => "impl IntoIterator<Item = ResourceIdentifier>",
        }
    }

    /// The expression turning the parameter (named by `method`) into a `Linkage`.
    pub fn link_expr(&self) -> String {
        let param = &self.method;
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

    /// What a builder method linking it says.
    pub fn link_docs(&self) -> Vec<String> {
        let what = match (self.cardinality, self.polymorphic()) {
            (Cardinality::One, false) => format!(
                "Links `{}` to the `{}` with this id.",
                self.name, self.targets[0].type_name
            ),
            (Cardinality::One, true) => format!(
                "Links `{}` to this resource, of one of these types: {}.",
                self.name,
                self.type_list()
            ),
            (Cardinality::Many, false) => format!(
                "Links `{}` to the `{}` with these ids.",
                self.name, self.targets[0].type_name
            ),
            (Cardinality::Many, true) => format!(
                "Links `{}` to these resources, each of one of these types: {}.",
                self.name,
                self.type_list()
            ),
        };
        doc_attrs(&what)
    }

    fn type_list(&self) -> String {
        self.targets
            .iter()
            .map(|t| format!("`{}`", t.type_name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The field's documentation.
    pub fn docs(&self) -> Vec<String> {
        let fallback = format!("`{}`", self.name);
        docs_or(&self.description, &fallback)
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

impl EnumType {
    /// The enum's documentation.
    pub fn docs(&self, attribute: &Attribute) -> Vec<String> {
        doc_attrs(&format!(
            "The values of `{}`. Values this client does not know are kept in `Other`.",
            attribute.name
        ))
    }
}

impl crate::model::EnumValue {
    /// The wire value as a Rust string literal.
    pub fn literal(&self) -> String {
        string_literal(&self.wire)
    }

    /// The variant's documentation: its wire value.
    pub fn docs(&self) -> Vec<String> {
        doc_attrs(&code_span(&self.wire))
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
