//! Spec -> model: every check on a spec, each failure with its file, line and column.
//!
//! All files are checked before anything is reported, so one run lists every problem.

use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, Location, Result, SpecError};
use crate::model::{
    Actions, AttrType, Attribute, Cardinality, EnumType, EnumValue, Model, Relationship, Resource,
    Target, TargetResource,
};
use crate::naming;
use crate::spec::{ActionSpec, AttributeSpec, RelationshipSpec, SpecFile, TypeSpec};

/// Names the generated code takes from the standard library and from the runtime's prelude:
/// a generated type with one of these names would shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    // std prelude and std types the generated code spells
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Eq",
    "Err",
    "Hash",
    "Into",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Self",
    "Send",
    "Some",
    "String",
    "Sync",
    "ToString",
    "Vec",
    "Fmt",
    "Formatter",
    "Display",
    "FromStr",
    "Infallible",
    // the runtime prelude (`generated/src/prelude.rs`)
    "Client",
    "DateTime",
    "DeleteCall",
    "Deserialize",
    "Deserializer",
    "FieldName",
    "FilterField",
    "FilterValue",
    "GenericResource",
    "ItemCall",
    "ListCall",
    "Map",
    "Patch",
    "Relationship",
    "Resource",
    "ResourceIdentifier",
    "ResourceLinks",
    "ResourceMeta",
    "Secret",
    "Serialize",
    "Serializer",
    "ToMany",
    "ToOne",
    "Utc",
    "Value",
    "Linkage",
    "Linkages",
    "RawName",
    "Trigger",
    "IntoIterator",
    "Iterator",
];

/// Methods `Client` already has: a resource accessor must not reuse one.
/// (A test checks this list against `generated/src/client.rs`.)
const CLIENT_METHODS: &[&str] = &[
    "attempt",
    "base_url",
    "builder",
    "clone",
    "fmt",
    "new",
    "rate_limit",
    "send",
];

/// Validates the specs and builds the model.
pub fn lower(files: &[SpecFile]) -> Result<Model> {
    let mut errors = Vec::new();
    let mut resources = Vec::new();
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
                resources.push(resource);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Spec(errors));
    }
    resources.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    link_targets(&mut resources);
    Ok(Model { resources })
}

/// Marks each relationship target that has a spec of its own.
fn link_targets(resources: &mut [Resource]) {
    let known: BTreeMap<String, TargetResource> = resources
        .iter()
        .map(|r| {
            (
                r.type_name.clone(),
                TargetResource {
                    module: r.module.clone(),
                    struct_name: r.struct_name.clone(),
                },
            )
        })
        .collect();
    for resource in resources {
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
        let accessor = naming::snake_ident(&spec.type_name);
        if type_ok && CLIENT_METHODS.contains(&accessor.as_str()) {
            self.value_error(
                "type",
                format!(
                    "resource type `{}` would make `Client::{accessor}`, which the client already has",
                    spec.type_name
                ),
            );
        }

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
        };
        self.check_names(&resource);
        (self.errors.len() == errors_before).then_some(resource)
    }

    fn type_name(&mut self, path: &str, name: &str) -> Option<String> {
        match naming::type_ident(name) {
            Ok(ident) if RESERVED_TYPE_NAMES.contains(&ident.as_str()) => {
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
        let flag_error = |ctx: &mut Self, message: String| ctx.key_error(&path, message);
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
            flag_error(
                self,
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
            if variant == "Other" {
                self.value_error(
                    &value_path,
                    format!(
                        "attribute `{name}`: enum value {value:?} would be variant `Other`, which holds values the spec does not list"
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
        let type_name = naming::type_ident(name)
            .map(|camel| format!("{struct_name}{}", camel.trim_end_matches('_')))
            .map_err(|why| self.key_error(path, why))
            .ok()?;
        ok.then_some(AttrType::Enum(EnumType {
            name: type_name,
            values: out,
        }))
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
                    &path,
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

    /// Every name the generated module, its structs and its endpoint handle will hold must be
    /// unique in its scope: this is where two spec names that become one Rust name are caught.
    fn check_names(&mut self, resource: &Resource) {
        let s = &resource.struct_name;
        // Module-level types.
        let mut types = Names::new("type");
        types.add(s.clone(), "type".into(), "the resource");
        for suffix in [
            "Attributes",
            "Relationships",
            "Create",
            "Update",
            "Sort",
            "Filter",
            "Include",
            "Field",
        ] {
            types.add(format!("{s}{suffix}"), "type".into(), "a generated type");
        }
        types.add(
            resource.api_name.clone(),
            "type".into(),
            "the endpoints handle",
        );
        for attribute in &resource.attributes {
            if let AttrType::Enum(e) = &attribute.ty {
                if RESERVED_TYPE_NAMES.contains(&e.name.as_str()) {
                    self.key_error(
                        &format!("attributes.{}", attribute.name),
                        format!(
                            "attribute `{}` would make an enum named `{}`, which would shadow the `{}` the generated code uses",
                            attribute.name, e.name, e.name
                        ),
                    );
                }
                types.add(
                    e.name.clone(),
                    format!("attributes.{}", attribute.name),
                    &format!("the enum of attribute `{}`", attribute.name),
                );
            }
        }

        // Endpoint methods on the handle.
        let mut methods = Names::new("endpoint method");
        for (on, name) in [
            (resource.actions.list, "list"),
            (resource.actions.retrieve, "retrieve"),
            (resource.actions.create, "create"),
            (resource.actions.update, "update"),
            (resource.actions.delete, "delete"),
        ] {
            if on {
                methods.add(
                    name.to_string(),
                    "actions".into(),
                    &format!("action `{name}`"),
                );
            }
        }
        if !resource.singleton {
            for relationship in resource.relationships.iter().filter(|r| r.fetchable) {
                methods.add(
                    relationship.method.clone(),
                    format!("relationships.{}", relationship.name),
                    &format!("the fetcher of relationship `{}`", relationship.name),
                );
            }
        }
        if resource.actions.update && !resource.singleton {
            for attribute in resource
                .attributes
                .iter()
                .filter(|a| a.trigger && a.updatable)
            {
                methods.add(
                    attribute.method.clone(),
                    format!("attributes.{}", attribute.name),
                    &format!("the method of trigger `{}`", attribute.name),
                );
            }
        }
        for relationship in &resource.relationships {
            if let Some(name) = &relationship.enum_name {
                types.add(
                    name.clone(),
                    format!("relationships.{}", relationship.name),
                    &format!("the enum of relationship `{}`", relationship.name),
                );
            }
        }

        // Builder methods on the create and update bodies.
        let mut create = Names::new("create builder method");
        create.add("new".into(), "type".into(), "the constructor");
        let mut update = Names::new("update builder method");
        update.add("new".into(), "type".into(), "the constructor");
        for attribute in &resource.attributes {
            let path = format!("attributes.{}", attribute.name);
            let what = format!("attribute `{}`", attribute.name);
            if attribute.creatable && !attribute.required {
                create.add(attribute.method.clone(), path.clone(), &what);
            }
            if attribute.updatable {
                update.add(attribute.method.clone(), path.clone(), &what);
                if attribute.nullable {
                    update.add(
                        clear_method(&attribute.method),
                        path,
                        &format!("the clearing method of attribute `{}`", attribute.name),
                    );
                }
            }
        }
        for relationship in &resource.relationships {
            let path = format!("relationships.{}", relationship.name);
            let what = format!("relationship `{}`", relationship.name);
            if relationship.creatable && !relationship.required {
                create.add(relationship.method.clone(), path.clone(), &what);
            }
            if relationship.updatable {
                update.add(relationship.method.clone(), path.clone(), &what);
                if relationship.cardinality == Cardinality::One && !relationship.required {
                    update.add(
                        clear_method(&relationship.method),
                        path,
                        &format!(
                            "the clearing method of relationship `{}`",
                            relationship.name
                        ),
                    );
                }
            }
        }

        // Fields of the create and update bodies, which keep their links in `relationships`.
        let mut create_fields = Names::new("create body field");
        let mut update_fields = Names::new("update body field");
        // The constructor's parameters, beside its local `relationships`.
        let mut constructor = Names::new("constructor parameter");
        for relationship in resource
            .relationships
            .iter()
            .filter(|r| r.creatable && r.required)
        {
            constructor.add(
                relationship.method.clone(),
                format!("relationships.{}", relationship.name),
                &format!("relationship `{}`", relationship.name),
            );
        }
        for scope in [&mut create_fields, &mut update_fields, &mut constructor] {
            scope.add(
                "relationships".into(),
                "type".into(),
                "the relationships to link",
            );
        }
        for attribute in &resource.attributes {
            let path = format!("attributes.{}", attribute.name);
            let what = format!("attribute `{}`", attribute.name);
            if attribute.creatable {
                create_fields.add(attribute.ident.clone(), path.clone(), &what);
                if attribute.required {
                    constructor.add(attribute.method.clone(), path.clone(), &what);
                }
            }
            if attribute.updatable {
                update_fields.add(attribute.ident.clone(), path, &what);
            }
        }

        let mut clashes = Vec::new();
        // Fields of the response structs, and variants of the name enums.
        let mut attribute_fields = Names::new("field");
        let mut relationship_fields = Names::new("field");
        let mut sort = Names::new("sort variant");
        let mut filter = Names::new("filter variant");
        let mut fields = Names::new("field variant");
        let mut include = Names::new("include variant");
        for scope in [&mut sort, &mut filter] {
            scope.add("Id".into(), "type".into(), "the resource id");
        }
        for attribute in &resource.attributes {
            let path = format!("attributes.{}", attribute.name);
            let what = format!("attribute `{}`", attribute.name);
            attribute_fields.add(attribute.ident.clone(), path.clone(), &what);
            if attribute.sortable {
                sort.add(attribute.variant.clone(), path.clone(), &what);
            }
            if attribute.filterable {
                filter.add(attribute.variant.clone(), path.clone(), &what);
            }
            if attribute.fetchable {
                fields.add(attribute.variant.clone(), path, &what);
            }
        }
        for relationship in &resource.relationships {
            let path = format!("relationships.{}", relationship.name);
            let what = format!("relationship `{}`", relationship.name);
            relationship_fields.add(relationship.ident.clone(), path.clone(), &what);
            fields.add(relationship.variant.clone(), path.clone(), &what);
            if relationship.includable {
                include.add(relationship.variant.clone(), path, &what);
            }
        }

        for names in [
            types,
            methods,
            create,
            update,
            create_fields,
            update_fields,
            constructor,
            attribute_fields,
            relationship_fields,
            sort,
            filter,
            fields,
            include,
        ] {
            clashes.extend(names.clashes);
        }
        // One clash is enough to say about each spec item: `self_` next to `self` clashes as
        // a field, a variant and a method, but the fix is one.
        let mut reported = std::collections::HashSet::new();
        for (path, message) in clashes {
            if reported.insert(path.clone()) {
                self.key_error(&path, message);
            }
        }
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

/// `clear_code` for `code`, `clear_type` for `r#type`, `clear_note` for `_note`.
pub fn clear_method(method: &str) -> String {
    format!(
        "clear_{}",
        method.trim_start_matches("r#").trim_start_matches('_')
    )
}

/// Names the builder and endpoint methods, and the enums of polymorphic relationships.
///
/// A method drops the leading underscores of its wire name (`_place` -> `place`), unless
/// the bare name is another attribute, relationship or action of the resource: `_update`
/// next to the `update` action, or `_capture_amount_cents` next to `capture_amount_cents`,
/// keep their underscore.
fn name_methods(
    mut attributes: Vec<Attribute>,
    mut relationships: Vec<Relationship>,
    struct_name: &str,
) -> (Vec<Attribute>, Vec<Relationship>) {
    let mut taken: std::collections::HashSet<String> =
        ["list", "retrieve", "create", "update", "delete", "new"]
            .into_iter()
            .map(str::to_string)
            .collect();
    taken.extend(attributes.iter().map(|a| a.name.clone()));
    taken.extend(relationships.iter().map(|r| r.name.clone()));
    let method = |name: &str| {
        let bare = name.trim_start_matches('_');
        if bare == name || taken.contains(bare) {
            naming::snake_ident(name)
        } else {
            naming::snake_ident(bare)
        }
    };
    for attribute in &mut attributes {
        attribute.method = method(&attribute.name);
    }
    for relationship in &mut relationships {
        relationship.method = method(&relationship.name);
        if relationship.polymorphic() {
            relationship.enum_name = Some(format!("{struct_name}{}", relationship.variant));
        }
    }
    (attributes, relationships)
}

/// A scope of generated names, recording which spec item claimed each.
struct Names {
    kind: &'static str,
    claimed: HashMap<String, String>,
    clashes: Vec<(String, String)>,
}

impl Names {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            claimed: HashMap::new(),
            clashes: Vec::new(),
        }
    }

    fn add(&mut self, name: String, path: String, what: &str) {
        match self.claimed.get(&name) {
            Some(first) => self.clashes.push((
                path,
                format!(
                    "{what} would generate the {} `{name}`, which {first} already generates",
                    self.kind
                ),
            )),
            None => {
                self.claimed.insert(name, what.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CLIENT_METHODS;

    /// Every method `Client` has is reserved, so that no resource accessor can clash with one.
    #[test]
    fn client_methods_are_reserved() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/src/client.rs");
        let file = syn::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut methods = Vec::new();
        for item in file.items {
            if let syn::Item::Impl(block) = item {
                let is_client =
                    matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
                if is_client && block.trait_.is_none() {
                    for item in block.items {
                        if let syn::ImplItem::Fn(method) = item {
                            methods.push(method.sig.ident.to_string());
                        }
                    }
                }
            }
        }
        assert!(methods.contains(&"builder".to_string()), "{methods:?}");
        for method in methods {
            assert!(
                CLIENT_METHODS.contains(&method.as_str()),
                "`Client::{method}` is not reserved"
            );
        }
    }
}
