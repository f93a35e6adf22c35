//! The clash check: every name a generated module defines must be unique in its scope, and
//! none may be a name the runtime or the generated code already uses there. It walks the
//! model's lists ([`Members`](crate::model::Members)) scope by scope, seeding each with
//! its reserved names ([`crate::reserved`]); it knows nothing of the templates. This is
//! where two spec names that become one Rust name, or a spec name the runtime already
//! uses, become spec errors.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::error::SpecError;
use crate::model::{Body, Member, NameKind, Origin, Resource};
use crate::reserved::{self, Scope};
use crate::spec::SpecFile;

/// A clash: the spec path to point at, and what is wrong.
type Clash = (String, String);

/// Checks the names of one resource's module, reporting at the spec item of each clash.
pub fn check_resource(r: &Resource, file: &SpecFile, errors: &mut Vec<SpecError>) {
    let mut clashes = types(r);
    clashes.extend(endpoints(r));
    if let Some(body) = &r.members.create {
        clashes.extend(body_names(
            body,
            "create builder method",
            "create body field",
        ));
    }
    if let Some(body) = &r.members.update {
        clashes.extend(body_names(
            body,
            "update builder method",
            "update body field",
        ));
    }
    clashes.extend(response_fields(r));
    clashes.extend(variants(r));
    // One clash is enough to say about each spec item: `self_` next to `self` clashes as
    // a field, a variant and a method, but the fix is one.
    let mut reported = HashSet::new();
    for (path, message) in clashes {
        if reported.insert(path.clone()) {
            errors.push(SpecError::new(file.key_location(&path), message));
        }
    }
}

/// Checks the names the resources share: their modules (beside the runtime's, at the crate
/// root) and their accessors (methods of `Client`).
pub fn check_model(resources: &[(Resource, &SpecFile)], errors: &mut Vec<SpecError>) {
    let mut modules = Names::new("module", Scope::Module);
    let mut accessors = Names::new("`Client` method", Scope::ClientMethod);
    for (r, file) in resources {
        let what = What::ResourceType(&r.type_name);
        let clash = modules
            .claim(r.module.trim_start_matches("r#"), what)
            .or_else(|| accessors.claim(r.accessor.trim_start_matches("r#"), what));
        if let Some(message) = clash {
            errors.push(SpecError::new(file.value_location("type"), message));
        }
    }
}

/// Who claims a name, for messages; written out only when there is a clash.
#[derive(Debug, Clone, Copy)]
enum What<'a> {
    /// Reserved: who already uses it.
    Reserved(&'static str),
    /// Something of the resource itself ("the endpoints handle").
    Resource(&'static str),
    /// A member, with its role ("the clearing method of").
    Member(&'static str, &'a Member),
    /// A target type of a polymorphic relationship, claiming its variant.
    Target(&'a str, &'a Member),
    /// A resource type, claiming its module and accessor.
    ResourceType(&'a str),
}

impl fmt::Display for What<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            What::Reserved(owner) => write!(f, "{owner}"),
            What::Resource(what) => write!(f, "{what}"),
            What::Member(role, member) => {
                if !role.is_empty() {
                    write!(f, "{role} ")?;
                }
                write_member(f, member)
            }
            What::Target(type_name, relationship) => {
                write!(f, "target `{type_name}` of ")?;
                write_member(f, relationship)
            }
            What::ResourceType(type_name) => write!(f, "resource type `{type_name}`"),
        }
    }
}

/// The spec item a member comes from: "attribute `code`".
fn write_member(f: &mut fmt::Formatter<'_>, member: &Member) -> fmt::Result {
    let kind = match member.origin {
        Origin::Resource => "resource type",
        Origin::Id => return write!(f, "the resource id"),
        Origin::Action => "action",
        Origin::Attribute(_) => "attribute",
        Origin::Relationship(_) => "relationship",
    };
    write!(f, "{kind} `{}`", member.spec)
}

/// The names claimed in one scope, and by whom.
struct Names<'a> {
    /// What a name of this scope is, for messages (`create builder method`).
    kind: &'static str,
    /// Each claimed name, with who claimed it.
    claimed: HashMap<&'a str, What<'a>>,
    /// The clashes found so far.
    clashes: Vec<Clash>,
}

impl<'a> Names<'a> {
    /// A scope holding its reserved names already.
    fn new(kind: &'static str, scope: Scope) -> Self {
        let mut names = Self::unreserved(kind);
        names.claimed = reserved::names(scope)
            .map(|(name, owner)| (name, What::Reserved(owner)))
            .collect();
        names
    }

    /// A scope where the runtime uses no name (the fields of a response struct).
    fn unreserved(kind: &'static str) -> Self {
        Self {
            kind,
            claimed: HashMap::new(),
            clashes: Vec::new(),
        }
    }

    /// Claims `name` for `what`; returns the message when it is taken.
    fn claim(&mut self, name: &'a str, what: What<'a>) -> Option<String> {
        let Some(&first) = self.claimed.get(name) else {
            self.claimed.insert(name, what);
            return None;
        };
        let taken = match first {
            What::Reserved(_) => format!("is taken by {first}"),
            _ => format!("{first} already generates"),
        };
        Some(format!(
            "{what} would generate the {} `{name}`, which {taken}",
            self.kind
        ))
    }

    /// Claims a name for the spec item at `path`, recording a clash.
    fn claim_at(&mut self, name: &'a str, path: impl FnOnce() -> String, what: What<'a>) {
        if let Some(message) = self.claim(name, what) {
            self.clashes.push((path(), message));
        }
    }

    /// Claims a member for the spec item it comes from.
    fn member(&mut self, member: &'a Member) {
        self.member_as(member, "");
    }

    /// Claims a member in a role ("the clearing method of").
    fn member_as(&mut self, member: &'a Member, role: &'static str) {
        self.claim_at(&member.rust, || member.path(), What::Member(role, member));
    }
}

/// The types of the module, beside the prelude's and the harness's.
fn types(r: &Resource) -> Vec<Clash> {
    let m = &r.members;
    let mut types = Names::new("type", Scope::Type);
    let path = || "type".to_string();
    types.claim_at(&r.struct_name, path, What::Resource("the resource"));
    types.claim_at(&r.api_name, path, What::Resource("the endpoints handle"));
    let generated = [&m.attributes_struct, &m.relationships_struct]
        .into_iter()
        .chain(m.create.iter().map(|b| &b.name))
        .chain(m.update.iter().map(|b| &b.name))
        .chain(m.name_enums.iter().map(|e| &e.name));
    for name in generated {
        types.claim_at(name, path, What::Resource("a generated type"));
    }
    for e in &m.value_enums {
        types.member_as(e, "the enum of");
    }
    for e in &m.target_enums {
        types.member_as(&e.name, "the enum of");
    }
    types.clashes
}

/// The methods of the endpoints handle.
fn endpoints(r: &Resource) -> Vec<Clash> {
    let e = &r.members.endpoints;
    let mut methods = Names::new("endpoint method", Scope::HandleMethod);
    for action in [&e.list, &e.retrieve, &e.create, &e.update, &e.delete]
        .into_iter()
        .flatten()
    {
        methods.member(action);
    }
    for trigger in &e.triggers {
        methods.member_as(trigger, "the method of");
    }
    for related in &e.related {
        methods.member_as(related, "the fetcher of");
    }
    methods.clashes
}

/// A body's builder methods, fields and constructor parameters.
fn body_names(body: &Body, method_kind: &'static str, field_kind: &'static str) -> Vec<Clash> {
    let mut methods = Names::new(method_kind, Scope::BodyMethod);
    let mut fields = Names::new(field_kind, Scope::BodyField);
    let mut params = Names::new("constructor parameter", Scope::ConstructorParam);
    for a in &body.attributes {
        fields.member(&a.field);
        if let Some(param) = &a.param {
            params.member(param);
        }
        if let Some(set) = &a.set {
            methods.member(set);
        }
        if let Some(clear) = &a.clear {
            methods.member_as(clear, "the clearing method of");
        }
    }
    for rel in &body.relationships {
        if let Some(param) = &rel.param {
            params.member(param);
        }
        if let Some(link) = &rel.link {
            methods.member(link);
        }
        if let Some(unlink) = &rel.unlink {
            methods.member_as(unlink, "the clearing method of");
        }
    }
    // `links` is the reserved field itself: nothing to claim.
    let mut clashes = methods.clashes;
    clashes.extend(fields.clashes);
    clashes.extend(params.clashes);
    clashes
}

/// The fields of the response's attributes and relationships structs.
fn response_fields(r: &Resource) -> Vec<Clash> {
    let mut attributes = Names::unreserved("field");
    for field in &r.members.attribute_fields {
        attributes.member(field);
    }
    let mut relationships = Names::unreserved("field");
    for field in &r.members.relationship_fields {
        relationships.member(field);
    }
    let mut clashes = attributes.clashes;
    clashes.extend(relationships.clashes);
    clashes
}

/// The variants of the name enums and of the polymorphic relationships' enums (a value
/// enum's variants are checked as its values are read, where each has its own place).
fn variants(r: &Resource) -> Vec<Clash> {
    let mut clashes = Vec::new();
    for e in &r.members.name_enums {
        let kind = match e.kind {
            NameKind::Sort => "sort variant",
            NameKind::Filter => "filter variant",
            NameKind::Include => "include variant",
            NameKind::Field => "field variant",
        };
        let mut names = Names::unreserved(kind);
        for variant in &e.variants {
            names.member(variant);
        }
        clashes.extend(names.clashes);
    }
    for e in &r.members.target_enums {
        let mut names = Names::new("variant", Scope::EnumVariant);
        for variant in &e.variants {
            let what = What::Target(&variant.type_name, &e.name);
            names.claim_at(&variant.variant, || e.name.path(), what);
        }
        clashes.extend(names.clashes);
    }
    clashes
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::reserved::{self, Scope};
    use crate::{lower, spec};

    /// The errors of lowering one spec, file name after its type.
    fn errors(type_name: &str, rest: &str) -> Vec<String> {
        let text = format!("type: {type_name}\nsingular: thing_{type_name}\n{rest}");
        let path = format!("{type_name}.yaml");
        let file = spec::parse(Path::new(&path), &text).unwrap();
        match lower::lower(&[file]) {
            Ok(_) => Vec::new(),
            Err(error) => error
                .spec_errors()
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }

    #[test]
    fn every_reserved_module_name_is_refused_where_it_is_written() {
        let names: Vec<&str> = reserved::names(Scope::Module).map(|(n, _)| n).collect();
        assert!(names.contains(&"jsonapi") && names.contains(&"callbacks"));
        for name in names {
            let errors = errors(name, "actions: [list]\n");
            // `client` would also make the handle `Client`, refused first.
            let message = if name == "client" {
                "`client` would make a type named `Client`".to_string()
            } else {
                format!(
                    "resource type `{name}` would generate the module `{name}`, which is taken by "
                )
            };
            assert_eq!(errors.len(), 1, "{name}: {errors:?}");
            assert!(
                errors[0].starts_with(&format!("{name}.yaml:1:7: {message}")),
                "{}",
                errors[0]
            );
        }
        assert_eq!(errors("orders", "actions: [list]\n"), Vec::<String>::new());
    }

    #[test]
    fn client_methods_are_refused_as_accessors() {
        let errors = errors("builder", "");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("the `Client` method `builder`, which is taken by `Client`"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn default_is_refused_only_where_it_would_shadow() {
        let attribute = "attributes:\n  default:\n    type: string\n";
        let create = format!("actions: [create]\n{attribute}    creatable: true\n");
        let update = format!("actions: [update]\n{attribute}    updatable: true\n");
        let read = format!("actions: [list]\n{attribute}    read_only: true\n");
        for (rest, builder) in [(&create, "create"), (&update, "update")] {
            let errors = errors("things", rest);
            assert_eq!(
                errors,
                [format!(
                    "things.yaml:5:3: attribute `default` would generate the {builder} builder method `default`, which is taken by the `Default::default` that `new` calls"
                )]
            );
        }
        // A field named `default` shadows nothing.
        assert_eq!(errors("things", &read), Vec::<String>::new());
        // Required, it is a constructor parameter, not a method.
        let required =
            format!("actions: [create]\n{attribute}    creatable: true\n    required: true\n");
        assert_eq!(errors("things", &required), Vec::<String>::new());
    }

    #[test]
    fn derived_methods_are_refused_on_handles_and_bodies() {
        let errors = errors(
            "things",
            "actions: [update]\nrelationships:\n  clone:\n    cardinality: one\n    target: things\n    updatable: true\n",
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("the update builder method `clone`")
                || errors[0].contains("the endpoint method `clone`"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn two_resources_cannot_share_a_module() {
        let parse = |type_name: &str| {
            let text = format!("type: {type_name}\nsingular: x_{}\n", type_name.len());
            spec::parse(Path::new(&format!("{type_name}.yaml")), &text).unwrap()
        };
        let error = lower::lower(&[parse("self"), parse("self_")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "self_.yaml:1:7: resource type `self_` would generate the module `self_`, which resource type `self` already generates"
        );
    }

    #[test]
    fn a_target_named_other_cannot_be_a_variant() {
        let parse = |text: &str, path: &str| spec::parse(Path::new(path), text).unwrap();
        let items = parse(
            "type: items\nsingular: item\nrelationships:\n  target:\n    cardinality: one\n    targets: [others, skus]\n",
            "items.yaml",
        );
        let others = parse("type: others\nsingular: other\n", "others.yaml");
        let skus = parse("type: skus\nsingular: sku\n", "skus.yaml");
        let error = lower::lower(&[items, others, skus]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "items.yaml:4:3: target `others` of relationship `target` would generate the variant `Other`, which is taken by the values the spec does not list"
        );
    }
}
