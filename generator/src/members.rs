//! Resource -> [`Members`]: everything a resource's generated module will define, derived
//! once from its validated spec. This is the only place that decides whether a type, a
//! method, a field or a variant exists; the templates, the conformance tests and the clash
//! check loop over what it returns.

use crate::model::{
    Attribute, Body, BodyAttribute, BodyRelationship, Cardinality, Endpoints, Member, Members,
    NameEnum, NameKind, Origin, Relationship, Resource, TargetEnum, TargetVariant,
};
use crate::naming::{clear_method, compound_type};
use crate::reserved::LINKS;

/// Derives the members of a resource whose relationship targets are linked.
pub fn derive(r: &Resource) -> Members {
    let attributes = || r.attributes.iter().enumerate();
    Members {
        endpoints: endpoints(r),
        attributes_struct: compound_type(&r.struct_name, "Attributes"),
        attribute_fields: attributes()
            .filter(|(_, a)| a.fetchable)
            .map(|(i, a)| attribute_member(i, a, &a.ident))
            .collect(),
        relationships_struct: compound_type(&r.struct_name, "Relationships"),
        relationship_fields: r
            .relationships
            .iter()
            .enumerate()
            .map(|(i, rel)| relationship_member(i, rel, &rel.ident))
            .collect(),
        create: r.actions.create.then(|| create_body(r)),
        update: r.actions.update.then(|| update_body(r)),
        value_enums: attributes()
            .filter_map(|(i, a)| a.enum_type().map(|e| attribute_member(i, a, &e.name)))
            .collect(),
        name_enums: name_enums(r),
        target_enums: target_enums(r),
    }
}

fn attribute_member(index: usize, attribute: &Attribute, rust: &str) -> Member {
    Member {
        rust: rust.to_string(),
        spec: attribute.name.clone(),
        origin: Origin::Attribute(index),
    }
}

fn relationship_member(index: usize, relationship: &Relationship, rust: &str) -> Member {
    Member {
        rust: rust.to_string(),
        spec: relationship.name.clone(),
        origin: Origin::Relationship(index),
    }
}

fn action(on: bool, name: &str) -> Option<Member> {
    on.then(|| Member {
        rust: name.to_string(),
        spec: name.to_string(),
        origin: Origin::Action,
    })
}

/// The actions, then one method per trigger an update can fire (a singleton has no id to
/// fire it on), then one per relationship with its own endpoint (likewise).
fn endpoints(r: &Resource) -> Endpoints {
    let by_id = !r.singleton;
    Endpoints {
        list: action(r.actions.list, "list"),
        retrieve: action(r.actions.retrieve, "retrieve"),
        create: action(r.actions.create, "create"),
        update: action(r.actions.update, "update"),
        delete: action(r.actions.delete, "delete"),
        triggers: r
            .attributes
            .iter()
            .enumerate()
            .filter(|(_, a)| by_id && r.actions.update && a.trigger && a.updatable)
            .map(|(i, a)| attribute_member(i, a, &a.method))
            .collect(),
        related: r
            .relationships
            .iter()
            .enumerate()
            .filter(|(_, rel)| by_id && rel.fetchable)
            .map(|(i, rel)| relationship_member(i, rel, &rel.method))
            .collect(),
    }
}

/// The links field, when a body links any relationship.
fn links(relationships: &[BodyRelationship]) -> Option<Member> {
    (!relationships.is_empty()).then(|| Member {
        rust: LINKS.to_string(),
        spec: LINKS.to_string(),
        origin: Origin::Resource,
    })
}

/// What a create sends: the creatable attributes and relationships. The constructor takes
/// the required ones; a builder method sets (or links) each of the others.
fn create_body(r: &Resource) -> Body {
    let attributes = r
        .attributes
        .iter()
        .enumerate()
        .filter(|(_, a)| a.creatable)
        .map(|(i, a)| {
            let method = attribute_member(i, a, &a.method);
            BodyAttribute {
                attribute: i,
                field: attribute_member(i, a, &a.ident),
                param: a.required.then(|| method.clone()),
                set: (!a.required).then_some(method),
                clear: None,
            }
        })
        .collect();
    let relationships: Vec<BodyRelationship> = r
        .relationships
        .iter()
        .enumerate()
        .filter(|(_, rel)| rel.creatable)
        .map(|(i, rel)| {
            let method = relationship_member(i, rel, &rel.method);
            BodyRelationship {
                relationship: i,
                param: rel.required.then(|| method.clone()),
                link: (!rel.required).then_some(method),
                unlink: None,
            }
        })
        .collect();
    Body {
        name: compound_type(&r.struct_name, "Create"),
        attributes,
        links: links(&relationships),
        relationships,
    }
}

/// What an update sends: the updatable attributes and relationships, each set (or linked)
/// by a builder method, and cleared by another where the API allows `null`.
fn update_body(r: &Resource) -> Body {
    let attributes = r
        .attributes
        .iter()
        .enumerate()
        .filter(|(_, a)| a.updatable)
        .map(|(i, a)| BodyAttribute {
            attribute: i,
            field: attribute_member(i, a, &a.ident),
            param: None,
            set: Some(attribute_member(i, a, &a.method)),
            clear: a
                .nullable
                .then(|| attribute_member(i, a, &clear_method(&a.method))),
        })
        .collect();
    let relationships: Vec<BodyRelationship> = r
        .relationships
        .iter()
        .enumerate()
        .filter(|(_, rel)| rel.updatable)
        .map(|(i, rel)| BodyRelationship {
            relationship: i,
            param: None,
            link: Some(relationship_member(i, rel, &rel.method)),
            unlink: (rel.cardinality == Cardinality::One && !rel.required)
                .then(|| relationship_member(i, rel, &clear_method(&rel.method))),
        })
        .collect();
    Body {
        name: compound_type(&r.struct_name, "Update"),
        attributes,
        links: links(&relationships),
        relationships,
    }
}

/// Sort and filter name the id and the sortable (filterable) attributes; include names the
/// includable relationships; field names every fetchable attribute and every relationship.
fn name_enums(r: &Resource) -> Vec<NameEnum> {
    let id = || Member {
        rust: "Id".to_string(),
        spec: "id".to_string(),
        origin: Origin::Id,
    };
    let attributes = |keep: fn(&Attribute) -> bool| {
        r.attributes
            .iter()
            .enumerate()
            .filter(move |(_, a)| keep(a))
            .map(|(i, a)| attribute_member(i, a, &a.variant))
    };
    let relationships = |keep: fn(&Relationship) -> bool| {
        r.relationships
            .iter()
            .enumerate()
            .filter(move |(_, rel)| keep(rel))
            .map(|(i, rel)| relationship_member(i, rel, &rel.variant))
    };
    let name_enum = |kind, suffix, variants| NameEnum {
        kind,
        name: compound_type(&r.struct_name, suffix),
        variants,
    };
    vec![
        name_enum(
            NameKind::Sort,
            "Sort",
            std::iter::once(id())
                .chain(attributes(|a| a.sortable))
                .collect(),
        ),
        name_enum(
            NameKind::Filter,
            "Filter",
            std::iter::once(id())
                .chain(attributes(|a| a.filterable))
                .collect(),
        ),
        name_enum(
            NameKind::Include,
            "Include",
            relationships(|rel| rel.includable).collect(),
        ),
        name_enum(
            NameKind::Field,
            "Field",
            attributes(|a| a.fetchable)
                .chain(relationships(|_| true))
                .collect(),
        ),
    ]
}

/// One enum per polymorphic relationship, with a variant per target that has a spec.
fn target_enums(r: &Resource) -> Vec<TargetEnum> {
    r.relationships
        .iter()
        .enumerate()
        .filter_map(|(i, rel)| {
            let name = rel.enum_name.as_deref()?;
            Some(TargetEnum {
                name: relationship_member(i, rel, name),
                variants: rel
                    .targets
                    .iter()
                    .filter_map(|target| {
                        let resource = target.resource.clone()?;
                        Some(TargetVariant {
                            variant: resource.struct_name.clone(),
                            type_name: target.type_name.clone(),
                            resource,
                        })
                    })
                    .collect(),
            })
        })
        .collect()
}
