//! Spec -> model: every check on a spec, each failure with its file, line and column.
//!
//! Two phases. First each spec is validated into a [`Resource`] of its own; then, with every
//! resource known (relationships point at one another), the members each module will define
//! are derived ([`crate::members`]) and checked for clashes ([`crate::clashes`]). All files
//! are checked before anything is reported, so one run lists every problem.

use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, Location, Result, SpecError};
use crate::model::{
    Actions, AttrType, Attribute, Cardinality, EnumType, EnumValue, Members, Model, Relationship,
    Resource, Target, TargetResource,
};
use crate::reserved::{self, Scope};
use crate::spec::{ActionSpec, AttributeSpec, RelationshipSpec, SpecFile, TypeSpec};
use crate::{clashes, members, naming};

/// Validates the specs and builds the model.
pub fn lower(files: &[SpecFile]) -> Result<Model> {
    let mut errors = Vec::new();
    let mut checked: Vec<(Resource, &SpecFile)> = Vec::new();
    let mut seen: HashMap<String, &SpecFile> = HashMap::new();
    for file in files {
        let mut ctx = Ctx {
            file,
            errors: &mut errors,
        };
        if let Some(resource) = ctx.resource() {
            if let Some(first) = seen.get(&resource.type_name) {
                ctx.error_at(
                    file.value_location("type"),
                    format!(
                        "resource type `{}` is already defined in {}",
                        resource.type_name,
                        first.path.display()
                    ),
                );
            } else {
                seen.insert(resource.type_name.clone(), file);
                checked.push((resource, file));
            }
        }
    }
    checked.sort_by(|a, b| a.0.type_name.cmp(&b.0.type_name));
    link_targets(&mut checked);
    for (resource, file) in &mut checked {
        resource.members = members::derive(resource);
        clashes::check_resource(resource, file, &mut errors);
    }
    clashes::check_model(&checked, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Spec(errors));
    }
    Ok(Model {
        resources: checked.into_iter().map(|(resource, _)| resource).collect(),
    })
}

/// Marks each relationship target that has a spec of its own.
fn link_targets(resources: &mut [(Resource, &SpecFile)]) {
    let known: BTreeMap<String, TargetResource> = resources
        .iter()
        .map(|(r, _)| {
            (
                r.type_name.clone(),
                TargetResource {
                    module: r.module.clone(),
                    struct_name: r.struct_name.clone(),
                },
            )
        })
        .collect();
    for (resource, _) in resources {
        for relationship in &mut resource.relationships {
            for target in &mut relationship.targets {
                target.resource = known.get(&target.type_name).cloned();
            }
        }
    }
}

struct Ctx<'a> {
    file: &'a SpecFile,
    errors: &'a mut Vec<SpecError>,
}

impl Ctx<'_> {
    fn error_at(&mut self, location: Location, message: impl Into<String>) {
        self.errors.push(SpecError::new(location, message));
    }

    fn value_error(&mut self, path: &str, message: impl Into<String>) {
        let location = self.file.value_location(path);
        self.error_at(location, message);
    }

    fn key_error(&mut self, path: &str, message: impl Into<String>) {
        let location = self.file.key_location(path);
        self.error_at(location, message);
    }

    /// Checks a wire name; reports at `path` and returns false when it cannot be used.
    fn wire_name(&mut self, path: &str, what: &str, name: &str, at_key: bool) -> bool {
        match naming::check_wire_name(name) {
            Ok(()) => true,
            Err(why) => {
                let message = format!(
                    "{what} `{}` cannot become a Rust identifier: {why}",
                    name.escape_debug()
                );
                if at_key {
                    self.key_error(path, message);
                } else {
                    self.value_error(path, message);
                }
                false
            }
        }
    }

    fn resource(&mut self) -> Option<Resource> {
        let spec = &self.file.spec;
        let errors_before = self.errors.len();

        let type_ok = self.wire_name("type", "resource type", &spec.type_name, false);
        let singular_ok = self.wire_name("singular", "singular name", &spec.singular, false);
        if type_ok {
            let expected = format!("{}.yaml", spec.type_name);
            let actual = self.file.path.file_name().map(|n| n.to_string_lossy());
            if actual.as_deref() != Some(expected.as_str()) {
                self.value_error(
                    "type",
                    format!(
                        "a spec for type `{}` must be in a file named `{expected}`",
                        spec.type_name
                    ),
                );
            }
        }
        let struct_name = if singular_ok {
            self.type_name("singular", &spec.singular)
        } else {
            None
        };
        let api_name = if type_ok {
            self.type_name("type", &spec.type_name)
        } else {
            None
        };
        let actions = self.actions();
        let attributes: Vec<Attribute> = spec
            .attributes
            .iter()
            .filter_map(|(name, attribute)| {
                self.attribute(name, attribute, struct_name.as_deref().unwrap_or("X"))
            })
            .collect();
        let relationships: Vec<Relationship> = spec
            .relationships
            .iter()
            .filter_map(|(name, relationship)| self.relationship(name, relationship))
            .collect();

        for relationship in &relationships {
            if spec.attributes.contains_key(&relationship.name) {
                self.key_error(
                    &format!("relationships.{}", relationship.name),
                    format!(
                        "`{}` is both an attribute and a relationship; JSON:API gives them one namespace",
                        relationship.name
                    ),
                );
            }
        }

        let (Some(struct_name), Some(api_name)) = (struct_name, api_name) else {
            return None;
        };
        let (attributes, relationships) = name_methods(attributes, relationships, &struct_name);
        let module = naming::snake_ident(&spec.type_name);
        let accessor = module.clone();
        let resource = Resource {
            type_name: spec.type_name.clone(),
            singular: spec.singular.clone(),
            source: self.file.path.to_string_lossy().replace('\\', "/"),
            file_name: format!("{}.rs", naming::module_file_name(&module)),
            module,
            struct_name,
            api_name,
            accessor,
            description: spec.description.clone(),
            singleton: spec.singleton,
            deprecated: spec.deprecated,
            actions,
            attributes,
            relationships,
            members: Members::default(),
        };
        (self.errors.len() == errors_before).then_some(resource)
    }

    fn type_name(&mut self, path: &str, name: &str) -> Option<String> {
        match naming::type_ident(name) {
            Ok(ident) if reserved::owner(Scope::Type, &ident).is_some() => {
                self.value_error(
                    path,
                    format!(
                        "`{name}` would make a type named `{ident}`, which would shadow the `{ident}` the generated code uses"
                    ),
                );
                None
            }
            Ok(ident) => Some(ident),
            Err(why) => {
                self.value_error(path, why);
                None
            }
        }
    }

    fn actions(&mut self) -> Actions {
        let spec = &self.file.spec;
        let mut actions = Actions::default();
        for (index, action) in spec.actions.iter().enumerate() {
            let flag = match action {
                ActionSpec::List => &mut actions.list,
                ActionSpec::Retrieve => &mut actions.retrieve,
                ActionSpec::Create => &mut actions.create,
                ActionSpec::Update => &mut actions.update,
                ActionSpec::Delete => &mut actions.delete,
            };
            if *flag {
                self.value_error(
                    &format!("actions.{index}"),
                    format!("action `{}` is listed twice", action.as_str()),
                );
            }
            *flag = true;
        }
        if spec.singleton {
            for (index, action) in spec.actions.iter().enumerate() {
                if matches!(
                    action,
                    ActionSpec::List | ActionSpec::Create | ActionSpec::Update | ActionSpec::Delete
                ) {
                    self.value_error(
                        &format!("actions.{index}"),
                        format!(
                            "a singleton has no id, so it cannot support `{}`",
                            action.as_str()
                        ),
                    );
                }
            }
        }
        actions
    }

    fn attribute(
        &mut self,
        name: &str,
        spec: &AttributeSpec,
        struct_name: &str,
    ) -> Option<Attribute> {
        let path = format!("attributes.{name}");
        let errors_before = self.errors.len();
        if !self.wire_name(&path, "attribute", name, true) {
            return None;
        }
        if name == "id" {
            self.key_error(
                &path,
                "`id` is the resource's identifier, not an attribute: leave it out (it is always filterable and sortable)",
            );
        }
        let ty = self.attr_type(&path, name, spec, struct_name);
        self.attribute_flags(&path, name, spec);
        let ty = ty?;
        if let Some(example) = &spec.example {
            if !example_fits(&ty, example) {
                self.value_error(
                    &format!("{path}.example"),
                    format!(
                        "attribute `{name}`: the example {} is not a value of its type",
                        shorten(&example.to_string())
                    ),
                );
            }
        }
        if spec.confidential && ty != AttrType::String {
            self.key_error(
                &path,
                format!("attribute `{name}` is confidential: only a string can be kept secret"),
            );
        }
        if self.errors.len() != errors_before {
            return None;
        }
        let variant = naming::type_ident(name)
            .map_err(|why| self.key_error(&path, why))
            .ok()?;
        Some(Attribute {
            name: name.to_string(),
            ident: naming::snake_ident(name),
            method: String::new(),
            variant,
            ty,
            description: spec.description.clone(),
            example: spec.example.clone(),
            required: spec.required,
            creatable: spec.creatable,
            updatable: spec.updatable,
            nullable: spec.nullable,
            filterable: spec.filterable,
            sortable: spec.sortable,
            fetchable: spec.fetchable,
            trigger: spec.trigger,
            confidential: spec.confidential,
            deprecated: spec.deprecated,
        })
    }

    /// Checks that an attribute's flags agree: what is required is creatable, what is read
    /// only is not writable, and a trigger is a write-only boolean sent as `true`.
    fn attribute_flags(&mut self, path: &str, name: &str, spec: &AttributeSpec) {
        let flag_error = |ctx: &mut Self, message: String| ctx.key_error(path, message);
        if spec.required && !spec.creatable {
            flag_error(
                self,
                format!("attribute `{name}` is required on create, so it must be creatable"),
            );
        }
        if spec.read_only && (spec.creatable || spec.updatable || spec.required) {
            flag_error(
                self,
                format!(
                    "attribute `{name}` is read_only, so it cannot be required, creatable or updatable"
                ),
            );
        }
        if spec.trigger {
            if spec.type_ != TypeSpec::Boolean {
                flag_error(
                    self,
                    format!("trigger `{name}` must be a boolean: sending `true` makes the API act"),
                );
            }
            if spec.required || spec.nullable {
                flag_error(
                    self,
                    format!(
                        "trigger `{name}` can be neither required nor nullable: it is sent as `true` or not at all"
                    ),
                );
            }
            if !name.starts_with('_') {
                flag_error(
                    self,
                    format!(
                        "trigger `{name}` must be named with a leading underscore, as on the wire"
                    ),
                );
            }
            if spec.fetchable {
                flag_error(
                    self,
                    format!("trigger `{name}` is write-only: set `fetchable: false`"),
                );
            }
            if !spec.creatable && !spec.updatable {
                flag_error(
                    self,
                    format!(
                        "trigger `{name}` must be creatable or updatable, or it can never be sent"
                    ),
                );
            }
        }
        if !spec.fetchable && !spec.creatable && !spec.updatable {
            flag_error(
                self,
                format!("attribute `{name}` is neither fetchable, creatable nor updatable"),
            );
        }
    }

    fn attr_type(
        &mut self,
        path: &str,
        name: &str,
        spec: &AttributeSpec,
        struct_name: &str,
    ) -> Option<AttrType> {
        if spec.items.is_some() && spec.type_ != TypeSpec::Array {
            self.value_error(
                &format!("{path}.items"),
                format!("attribute `{name}`: `items` is only for `type: array`"),
            );
            return None;
        }
        if spec.values.is_some() && spec.type_ != TypeSpec::Enum {
            self.value_error(
                &format!("{path}.values"),
                format!("attribute `{name}`: `values` is only for `type: enum`"),
            );
            return None;
        }
        let scalar = |ty: TypeSpec| match ty {
            TypeSpec::String => Some(AttrType::String),
            TypeSpec::Integer => Some(AttrType::Integer),
            TypeSpec::Float => Some(AttrType::Float),
            TypeSpec::Boolean => Some(AttrType::Boolean),
            TypeSpec::Datetime => Some(AttrType::DateTime),
            TypeSpec::Object => Some(AttrType::Object),
            TypeSpec::Json => Some(AttrType::Json),
            TypeSpec::Array | TypeSpec::Enum => None,
        };
        match spec.type_ {
            TypeSpec::Array => {
                let Some(items) = spec.items else {
                    self.value_error(
                        &format!("{path}.type"),
                        format!(
                            "attribute `{name}`: an array needs `items`, the type of its elements"
                        ),
                    );
                    return None;
                };
                match scalar(items) {
                    Some(item) => Some(AttrType::Array(Box::new(item))),
                    None => {
                        self.value_error(
                            &format!("{path}.items"),
                            format!(
                                "attribute `{name}`: array items must be string, integer, float, boolean, datetime, object or json"
                            ),
                        );
                        None
                    }
                }
            }
            TypeSpec::Enum => self.enum_type(path, name, spec, struct_name),
            other => scalar(other),
        }
    }

    fn enum_type(
        &mut self,
        path: &str,
        name: &str,
        spec: &AttributeSpec,
        struct_name: &str,
    ) -> Option<AttrType> {
        let values = match &spec.values {
            Some(values) if !values.is_empty() => values,
            Some(_) => {
                self.value_error(
                    &format!("{path}.values"),
                    format!("attribute `{name}`: an enum needs at least one value"),
                );
                return None;
            }
            None => {
                self.value_error(
                    &format!("{path}.type"),
                    format!("attribute `{name}`: an enum needs `values`, the strings it allows"),
                );
                return None;
            }
        };
        let mut out: Vec<EnumValue> = Vec::new();
        let mut ok = true;
        for (index, value) in values.iter().enumerate() {
            let value_path = format!("{path}.values.{index}");
            let variant = match naming::variant_ident(value) {
                Ok(variant) => variant,
                Err(why) => {
                    self.value_error(&value_path, format!("attribute `{name}`: {why}"));
                    ok = false;
                    continue;
                }
            };
            if let Some(owner) = reserved::owner(Scope::EnumVariant, &variant) {
                self.value_error(
                    &value_path,
                    format!(
                        "attribute `{name}`: enum value {value:?} would be variant `{variant}`, which is taken by {owner}"
                    ),
                );
                ok = false;
            } else if let Some(twin) = out.iter().find(|v| v.variant == variant) {
                let message = if twin.wire == *value {
                    format!("attribute `{name}`: enum value {value:?} is listed twice")
                } else {
                    format!(
                        "attribute `{name}`: enum values {:?} and {value:?} would both be variant `{variant}`",
                        twin.wire
                    )
                };
                self.value_error(&value_path, message);
                ok = false;
            }
            out.push(EnumValue {
                wire: value.clone(),
                variant,
            });
        }
        let type_name = naming::value_enum(struct_name, name)
            .map_err(|why| self.key_error(path, why))
            .ok()?;
        ok.then_some(AttrType::Enum(EnumType {
            name: type_name,
            values: out,
        }))
    }

    /// A relationship's target types: one, or at least two when polymorphic, each a wire
    /// name, none twice.
    fn targets(&mut self, path: &str, name: &str, spec: &RelationshipSpec) -> Vec<String> {
        let targets: Vec<String> = match (&spec.target, &spec.targets) {
            (Some(target), None) => vec![target.clone()],
            (None, Some(targets)) if targets.len() >= 2 => targets.clone(),
            (None, Some(_)) => {
                self.value_error(
                    &format!("{path}.targets"),
                    format!(
                        "relationship `{name}`: `targets` lists the types of a polymorphic relationship and needs at least two; use `target` for one"
                    ),
                );
                Vec::new()
            }
            (Some(_), Some(_)) => {
                self.key_error(
                    &format!("{path}.targets"),
                    format!("relationship `{name}`: give `target` or `targets`, not both"),
                );
                Vec::new()
            }
            (None, None) => {
                self.key_error(
                    path,
                    format!(
                        "relationship `{name}`: missing `target` (the related type) or `targets` (several, when polymorphic)"
                    ),
                );
                Vec::new()
            }
        };
        let targets_path = if spec.targets.is_some() {
            format!("{path}.targets")
        } else {
            format!("{path}.target")
        };
        for (index, target) in targets.iter().enumerate() {
            let target_path = if spec.targets.is_some() {
                format!("{targets_path}.{index}")
            } else {
                targets_path.clone()
            };
            self.wire_name(
                &target_path,
                &format!("relationship `{name}`: target"),
                target,
                false,
            );
            if targets[..index].contains(target) {
                self.value_error(
                    &target_path,
                    format!("relationship `{name}`: target `{target}` is listed twice"),
                );
            }
        }
        targets
    }

    fn relationship(&mut self, name: &str, spec: &RelationshipSpec) -> Option<Relationship> {
        let path = format!("relationships.{name}");
        let errors_before = self.errors.len();
        if !self.wire_name(&path, "relationship", name, true) {
            return None;
        }
        if name == "id" || name == "type" {
            self.key_error(
                &path,
                format!(
                    "`{name}` names the resource itself in JSON:API; a relationship cannot use it"
                ),
            );
        }
        let cardinality = match spec.cardinality.as_str() {
            "one" => Some(Cardinality::One),
            "many" => Some(Cardinality::Many),
            other => {
                self.value_error(
                    &format!("{path}.cardinality"),
                    format!(
                        "relationship `{name}`: unknown cardinality `{}`, expected `one` or `many`",
                        other.escape_debug()
                    ),
                );
                None
            }
        };
        let targets = self.targets(&path, name, spec);
        if spec.required && !spec.creatable {
            self.key_error(
                &path,
                format!("relationship `{name}` is required on create, so it must be creatable"),
            );
        }
        let variant = naming::type_ident(name)
            .map_err(|why| self.key_error(&path, why))
            .ok()?;
        if self.errors.len() != errors_before {
            return None;
        }
        Some(Relationship {
            name: name.to_string(),
            ident: naming::snake_ident(name),
            method: String::new(),
            variant,
            cardinality: cardinality?,
            targets: targets
                .into_iter()
                .map(|type_name| Target {
                    type_name,
                    resource: None,
                })
                .collect(),
            description: spec.description.clone(),
            creatable: spec.creatable,
            updatable: spec.updatable,
            required: spec.required,
            includable: spec.includable,
            filterable: spec.filterable,
            fetchable: spec.fetchable,
            deprecated: spec.deprecated,
            enum_name: None,
        })
    }
}

/// Whether an example is a value of an attribute's type (the examples feed documentation and
/// the generated conformance tests).
fn example_fits(ty: &AttrType, example: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (ty, example) {
        (AttrType::String | AttrType::Enum(_), Value::String(_)) => true,
        (AttrType::DateTime, Value::String(text)) => looks_like_rfc3339(text),
        (AttrType::Integer, Value::Number(n)) => n.is_i64(),
        (AttrType::Float, Value::Number(_)) => true,
        (AttrType::Boolean, Value::Bool(_)) => true,
        (AttrType::Object, Value::Object(_)) => true,
        (AttrType::Array(item), Value::Array(items)) => {
            items.iter().all(|example| example_fits(item, example))
        }
        (AttrType::Json, _) => true,
        _ => false,
    }
}

/// `2018-01-01T12:00:00.000Z` and the like: a date, a `T`, a time and a zone.
fn looks_like_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't')
        && bytes[13] == b':'
        && (text.ends_with(['Z', 'z']) || text[19..].contains(['+', '-']))
}

/// A long text cut for a one-line message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Names the builder and endpoint methods ([`naming::method_ident`]), and the enums of
/// polymorphic relationships.
///
/// A method drops the leading underscores of its wire name (`_place` -> `place`), unless
/// the bare name is another attribute, relationship or action of the resource, or a method
/// the generated code already has: `_update` next to the `update` action, or
/// `_capture_amount_cents` next to `capture_amount_cents`, keep their underscore.
fn name_methods(
    mut attributes: Vec<Attribute>,
    mut relationships: Vec<Relationship>,
    struct_name: &str,
) -> (Vec<Attribute>, Vec<Relationship>) {
    let mut taken: std::collections::HashSet<&str> =
        ["list", "retrieve", "create", "update", "delete"].into();
    taken.extend(attributes.iter().map(|a| a.name.as_str()));
    taken.extend(relationships.iter().map(|r| r.name.as_str()));
    let is_taken = |bare: &str| {
        taken.contains(bare)
            || reserved::owner(Scope::BodyMethod, bare).is_some()
            || reserved::owner(Scope::HandleMethod, bare).is_some()
    };
    let methods: Vec<String> = attributes
        .iter()
        .map(|a| naming::method_ident(&a.name, is_taken))
        .collect();
    let relationship_methods: Vec<String> = relationships
        .iter()
        .map(|r| naming::method_ident(&r.name, is_taken))
        .collect();
    for (attribute, method) in attributes.iter_mut().zip(methods) {
        attribute.method = method;
    }
    for (relationship, method) in relationships.iter_mut().zip(relationship_methods) {
        relationship.method = method;
        if relationship.polymorphic() {
            relationship.enum_name =
                Some(naming::compound_type(struct_name, &relationship.variant));
        }
    }
    (attributes, relationships)
}
